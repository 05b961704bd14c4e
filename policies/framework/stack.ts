/**
 * The planned stack as every rule sees it: resources with normalized props (secrets in plaintext, unknowns as
 * `UNKNOWN`), indexed once by type and by Fly app so each rule stays linear in the stack's size.
 */
import { APP_KEYS, APPS, type AppKey } from "../../components/catalog";
import { dynamicType } from "../../providers/dynamic";
import { asRecord, at, isUnknown, normalize } from "./unknown";

/** The resource types the pack reads, by short name. */
export const TYPES = {
    FlyApp: dynamicType("FlyApp"),
    FlyIps: dynamicType("FlyIps"),
    FlySecrets: dynamicType("FlySecrets"),
    FlyMachineGroup: dynamicType("FlyMachineGroup"),
    FlyVolumes: dynamicType("FlyVolumes"),
    FlyCertificate: dynamicType("FlyCertificate"),
    LaunchFacts: dynamicType("LaunchFacts"),
    SupabaseSecrets: dynamicType("SupabaseSecrets"),
    SupabaseSslEnforcement: dynamicType("SupabaseSslEnforcement"),
    SupabaseBackups: dynamicType("SupabaseBackups"),
    ChatwootWebhook: dynamicType("ChatwootWebhook"),
} as const;

export type TypeName = keyof typeof TYPES;

/** One planned resource. `props` are normalized: plain JSON plus `UNKNOWN`. */
export interface PlannedResource {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    readonly props: Readonly<Record<string, unknown>>;
}

/** A resource as either path hands it over, props not yet normalized. */
export interface RawResource {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    readonly props: unknown;
}

export function planned(raw: RawResource): PlannedResource {
    return { type: raw.type, name: raw.name, urn: raw.urn, props: asRecord(normalize(raw.props)) ?? {} };
}

export class StackView {
    private readonly byType = new Map<string, PlannedResource[]>();
    private readonly byTypeAndApp = new Map<string, PlannedResource[]>();
    private readonly byUrn = new Map<string, PlannedResource>();

    constructor(readonly resources: readonly PlannedResource[]) {
        for (const r of resources) {
            push(this.byType, r.type, r);
            this.byUrn.set(r.urn, r);
            const app = r.props["app"];
            if (typeof app === "string") push(this.byTypeAndApp, `${r.type}\n${app}`, r);
        }
    }

    static of(raw: readonly RawResource[]): StackView {
        return new StackView(raw.map(planned));
    }

    ofType(type: TypeName): readonly PlannedResource[] {
        return this.byType.get(TYPES[type]) ?? [];
    }

    /** Resources of a type whose `app` input names this Fly app. */
    ofApp(type: TypeName, app: string): readonly PlannedResource[] {
        return this.byTypeAndApp.get(`${TYPES[type]}\n${app}`) ?? [];
    }

    /** The resource with this URN. */
    resource(urn: string): PlannedResource | undefined {
        return this.byUrn.get(urn);
    }

    /** The LaunchFacts resource (the launch's own facts), if declared. */
    launchFacts(): PlannedResource | undefined {
        return this.ofType("LaunchFacts")[0];
    }

    /** `production` or `sandbox` from LaunchFacts; production when undeclared or unknown, the stricter reading. */
    environment(): "production" | "sandbox" {
        return at(this.launchFacts()?.props, "environment") === "sandbox" ? "sandbox" : "production";
    }

    /**
     * The Fly app name of each app of the catalog: LaunchFacts `apps` when it carries them (config may rename an
     * app), else the catalog's names.
     */
    appNames(): Readonly<Record<AppKey, string>> {
        const declared = asRecord(at(this.launchFacts()?.props, "apps"));
        const out = {} as Record<AppKey, string>;
        for (const key of APP_KEYS) {
            const name = declared?.[key];
            out[key] = typeof name === "string" && !isUnknown(name) ? name : APPS[key].name;
        }
        return out;
    }

    /** The catalog key of a Fly app name, if it is one of the launch's apps. */
    appKeyOf(appName: string): AppKey | undefined {
        const names = this.appNames();
        return APP_KEYS.find((k) => names[k] === appName);
    }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
    const list = map.get(key);
    if (list) list.push(value);
    else map.set(key, [value]);
}

/** `hotdash:FlyMachineGroup` from `pulumi-nodejs:dynamic/hotdash:FlyMachineGroup`, for evidence and messages. */
export function shortType(type: string): string {
    return type.replace(/^pulumi-nodejs:dynamic\//, "");
}
