/**
 * What `launch rollback` will do, computed without touching anything: which apps go from which digest to which, and
 * whether webhooks go off first. Pure: the stack's config, its `images` output and its update history in, a plan or
 * an error that says why out. The rollback record (the update message) is written and read here too, so whatever
 * reads the stack's history later (`launch status`, the go/no-go) reads it the same way.
 */
import type { AppKey } from "../components/catalog";
import { shellQuote } from "../components/config/validate";
import type { GroupOutputs } from "../components/fly/app";

/** An app of the stack as its config declares it. */
export interface StackApp {
    readonly key: AppKey;
    /** Fly app name, as the `images` output keys it. */
    readonly name: string;
    /** The image in config: `<repository>[:tag]@sha256:<digest>`. */
    readonly image: string;
}

/** One process group in the stack's `images` output: the digest it runs and the one before ("" before any). */
export type GroupImages = Pick<GroupOutputs, "currentImage" | "previousImage">;

/** One successful update of the stack, as its history tells it. */
export interface HistoryEntry {
    /** Image (full reference) per app name, from the update's config. */
    readonly images: Readonly<Record<string, string>>;
    /** The rollback this update was, if it was one. */
    readonly rollback?: RollbackRecord;
}

/** What a rollback did: kept in the stack's history as the message of its update. */
export interface RollbackRecord {
    /** Per app name: the digest it ran and the digest it was put back on. */
    readonly apps: Readonly<Record<string, { readonly from: string; readonly to: string }>>;
    readonly reason?: string;
    /** ISO time the rollback started. */
    readonly at: string;
}

export interface RollbackRequest {
    /** App names or config keys, comma-separated. Defaults to every app that has a previous image. */
    readonly app?: string;
    /** Digest (`sha256:...`, or a reference ending in it) to go back to; needs one app. Defaults to the previous one. */
    readonly to?: string;
    readonly reason?: string;
}

export interface RollbackInputs {
    readonly stack: string;
    /** The stack's apps, in config order. */
    readonly apps: readonly StackApp[];
    /** The `images` output: per app name, per process group. */
    readonly running: Readonly<Record<string, Readonly<Record<string, GroupImages>>>>;
    /** Successful updates, newest first. */
    readonly history: readonly HistoryEntry[];
    /** `hotdash:webhooksEnabled` as config has it now. */
    readonly webhooksEnabled: boolean;
}

export interface AppRollback {
    readonly app: string;
    readonly key: AppKey;
    /** Digest it runs now. */
    readonly from: string;
    /** Digest it goes back to. */
    readonly to: string;
    /** The image reference config gets (`hotdash:apps.<key>.image`). */
    readonly image: string;
}

export interface RollbackPlan {
    /** The apps to redeploy, in config order; empty when there is nothing to do. */
    readonly steps: readonly AppRollback[];
    /** Apps left as they are, and why. */
    readonly unchanged: readonly { readonly app: string; readonly digest: string; readonly why: string }[];
    /** Whether the webhook is turned off (its own update, before any redeploy). */
    readonly disableWebhooks: boolean;
}

/** A rollback the stack cannot do, with why. */
export class RollbackError extends Error {
    override readonly name = "RollbackError";
}

const DIGEST_RE = /^sha256:[a-f0-9]{64}$/;
const RECORD_PREFIX = "launch rollback ";

/** The `sha256:...` a reference ends in (or the digest itself), or undefined. */
export function digestOf(ref: string): string | undefined {
    const d = ref.slice(ref.lastIndexOf("@") + 1).trim();
    return DIGEST_RE.test(d) ? d : undefined;
}

/** Short form for people: `sha256:` and the first 12 hex digits. */
export function shortDigest(digest: string): string {
    return digest.startsWith("sha256:") ? digest.slice(0, 19) : digest;
}

/** `<repository>@<digest>`: the repository of `image` (its tag dropped: it named another digest) at `digest`. */
function imageAt(image: string, digest: string): string {
    const repo = image.slice(0, image.indexOf("@") < 0 ? image.length : image.indexOf("@"));
    const slash = repo.lastIndexOf("/");
    const colon = repo.indexOf(":", slash + 1);
    return `${colon < 0 ? repo : repo.slice(0, colon)}@${digest}`;
}

function unique(values: readonly string[]): string[] {
    return [...new Set(values.filter(Boolean))];
}

/** The apps `--app` names (names or config keys, comma-separated), or every app. */
function chosenApps(inputs: RollbackInputs, app: string | undefined): StackApp[] {
    if (app === undefined) return [...inputs.apps];
    const names = app.split(",").map((s) => s.trim()).filter(Boolean);
    if (!names.length) throw new RollbackError(`--app is empty; the stack's apps are ${inputs.apps.map((a) => a.name).join(", ")}`);
    return names.map((n) => {
        const found = inputs.apps.find((a) => a.name === n || a.key === n);
        if (!found) throw new RollbackError(`unknown app "${n}"; the stack's apps are ${inputs.apps.map((a) => a.name).join(", ")}`);
        return found;
    });
}

/** Every digest an app has run under this stack, newest first, with the image reference each was deployed as. */
function knownImages(inputs: RollbackInputs, app: StackApp): Map<string, string> {
    const known = new Map<string, string>();
    const add = (digest: string, ref: string): void => {
        if (digest && !known.has(digest)) known.set(digest, ref);
    };
    const groups = Object.values(inputs.running[app.name] ?? {});
    for (const g of groups) add(g.currentImage, imageAt(app.image, g.currentImage));
    for (const h of inputs.history) {
        const ref = h.images[app.name];
        const d = ref ? digestOf(ref) : undefined;
        if (d) add(d, ref!);
    }
    for (const g of groups) add(g.previousImage, imageAt(app.image, g.previousImage));
    // a digest history knows is deployed as history wrote it (repository and tag as the team pinned them)
    for (const h of [...inputs.history].reverse()) {
        const ref = h.images[app.name];
        const d = ref ? digestOf(ref) : undefined;
        if (d) known.set(d, ref!);
    }
    return known;
}

/** Plans the rollback, or throws a RollbackError saying why it cannot be done. */
export function planRollback(inputs: RollbackInputs, request: RollbackRequest): RollbackPlan {
    const apps = chosenApps(inputs, request.app);
    let to: string | undefined;
    if (request.to !== undefined) {
        if (request.app === undefined || apps.length !== 1) {
            throw new RollbackError(`--to needs exactly one --app: a digest belongs to one app (the stack's apps are ${inputs.apps.map((a) => a.name).join(", ")})`);
        }
        to = digestOf(request.to);
        if (!to) throw new RollbackError(`--to "${request.to}" is not an image digest: expected sha256:<64 hex digits>, or a reference ending in @sha256:<digest>`);
    }
    const steps: AppRollback[] = [];
    const unchanged: { app: string; digest: string; why: string }[] = [];
    for (const app of apps) {
        const groups = inputs.running[app.name];
        if (!groups || !Object.keys(groups).length) {
            throw new RollbackError(`${app.name} has no deployment in this stack yet (no images output): there is nothing to roll back. Deploy it with \`launch up --stack ${inputs.stack}\` first.`);
        }
        const currents = unique(Object.values(groups).map((g) => g.currentImage));
        const known = knownImages(inputs, app);
        const list = (): string => [...known.keys()].map((d) => `${d}${currents.includes(d) ? " (running)" : ""}`).join(", ");
        if (to) {
            if (!known.has(to)) {
                throw new RollbackError(`${to} is not in the history of ${app.name}; the digests it has run: ${list()}`);
            }
            if (currents.length === 1 && currents[0] === to) {
                unchanged.push({ app: app.name, digest: to, why: "already runs it" });
            } else {
                steps.push({ app: app.name, key: app.key, from: currents.join(","), to, image: known.get(to)! });
            }
            continue;
        }
        if (currents.length !== 1) {
            throw new RollbackError(`the process groups of ${app.name} run different digests (${Object.entries(groups).map(([g, i]) => `${g} ${i.currentImage || "none"}`).join(", ")}): the last deploy did not finish. Say which to run with --app ${app.name} --to <digest>; the digests it has run: ${list()}`);
        }
        const current = currents[0]!;
        const last = inputs.history.find((h) => h.rollback?.apps[app.name]);
        if (last && last.rollback!.apps[app.name]!.to === current) {
            const r = last.rollback!.apps[app.name]!;
            unchanged.push({ app: app.name, digest: current, why: `already rolled back (from ${shortDigest(r.from)} at ${last.rollback!.at}); to go further back, --app ${app.name} --to <digest>` });
            continue;
        }
        const previous = unique(Object.values(groups).map((g) => g.previousImage));
        if (previous.length !== 1) {
            const why = `has no previous image to roll back to: it has run only ${current} since the stack first deployed it`;
            if (request.app !== undefined) throw new RollbackError(`${app.name} ${why}. Nothing was changed.`);
            unchanged.push({ app: app.name, digest: current, why: "no previous image" });
            continue;
        }
        steps.push({ app: app.name, key: app.key, from: current, to: previous[0]!, image: known.get(previous[0]!)! });
    }
    if (!steps.length && !unchanged.some((u) => u.why !== "no previous image")) {
        throw new RollbackError(`no app has a previous image to roll back to: ${unchanged.map((u) => `${u.app} has run only ${u.digest}`).join("; ")}. Nothing was changed.`);
    }
    return { steps, unchanged, disableWebhooks: steps.length > 0 && inputs.webhooksEnabled };
}

/** The plan as the command prints it. */
export function describePlan(plan: RollbackPlan): string[] {
    const lines: string[] = [];
    if (plan.disableWebhooks) lines.push("1. Webhooks off: remove the Chatwoot webhook (no new drafts), as its own update.");
    else if (plan.steps.length) lines.push("1. Webhooks are already off.");
    if (plan.steps.length) {
        lines.push("2. Redeploy, one machine at a time, each healthy before the next:");
        for (const s of plan.steps) lines.push(`     ${s.app}: ${s.from} -> ${s.to}`);
        lines.push("3. Verify every service healthy; post to Slack; record the rollback in the stack's history.");
    }
    for (const u of plan.unchanged) lines.push(`   ${u.app} stays on ${u.digest}: ${u.why}`);
    return lines;
}

/** The update message that records a rollback in the stack's history. */
export function rollbackMessage(record: RollbackRecord): string {
    return RECORD_PREFIX + JSON.stringify(record);
}

/** The rollback an update message records, or undefined for any other update. */
export function parseRollbackMessage(message: string | undefined): RollbackRecord | undefined {
    if (!message?.startsWith(RECORD_PREFIX)) return undefined;
    try {
        const r = JSON.parse(message.slice(RECORD_PREFIX.length)) as RollbackRecord;
        return r && typeof r.apps === "object" && r.apps !== null ? r : undefined;
    } catch {
        return undefined;
    }
}

/** One update of `pulumi stack history` as far as the rollback reads it. */
export interface UpdateSummaryLike {
    readonly kind: string;
    readonly result: string;
    readonly message?: string;
    readonly config?: Readonly<Record<string, { readonly value: string; readonly secret?: boolean }>>;
}

/** The successful updates of a history as the CLI lists it (newest first), with each app's image as that update's config had it. */
export function historyEntries(summaries: readonly UpdateSummaryLike[], apps: readonly Pick<StackApp, "key" | "name">[]): HistoryEntry[] {
    const entries: HistoryEntry[] = [];
    for (const s of summaries) { // the CLI lists newest first (a file backend numbers every update 0)
        if (s.kind !== "update" || s.result !== "succeeded") continue;
        const raw = s.config?.["hotdash:apps"]?.value;
        let parsed: Record<string, { image?: unknown }> = {};
        try {
            parsed = (raw ? JSON.parse(raw) : {}) as Record<string, { image?: unknown }>;
        } catch {
            parsed = {};
        }
        const images: Record<string, string> = {};
        for (const a of apps) {
            const image = parsed[a.key]?.image;
            if (typeof image === "string") images[a.name] = image;
        }
        const rollback = parseRollbackMessage(s.message);
        entries.push({ images, ...(rollback ? { rollback } : {}) });
    }
    return entries;
}

/** The Slack text the checklist asks for, with the digests. */
export function slackText(stack: string, steps: readonly AppRollback[], reason: string | undefined): string {
    return [
        "Rollback complete. Investigating issue.",
        ...steps.map((s) => `• ${s.app}: ${s.from} → ${s.to}`),
        `Stack ${stack}; webhooks off (no new drafts).${reason ? ` Reason: ${reason}` : ""}`,
    ].join("\n");
}

/** What to run to restore the database from the pre-launch dump: never run by the rollback itself. */
export function restoreInstructions(dumpFile: string | undefined): string[] {
    if (!dumpFile) {
        return [
            "Database: not rolled back (never automatic). This stack recorded no pre-launch dump (hotdash:backups.preLaunchDump);",
            "  restore from Supabase's own backups (Dashboard > Database > Backups) if the data needs it.",
        ];
    }
    return [
        "Database: not rolled back (never automatic). If the data needs it, restore the pre-launch dump:",
        `  pg_restore --clean --if-exists --no-owner --single-transaction --dbname "$DATABASE_URL" ${shellQuote(dumpFile)}`,
    ];
}
