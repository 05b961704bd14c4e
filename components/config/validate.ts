/**
 * Validates the whole `hotdash` namespace at once. Pure: raw values and the environment in, a `LaunchConfig` or one
 * `ConfigError` listing every problem out, each naming its key and the `pulumi config set` command that fixes it.
 */
import { APPS, APP_KEYS, type AppKey, flyDevUrl } from "../catalog";
import { FLY_REGIONS } from "../../providers/fly/regions";
import {
    type AppConfig, ENCRYPTED, type Environment, type LaunchConfig, READINESS_KEYS, type ReadinessItem, type ReadinessKey, type RawConfig, type SecretName, type SecretSource, type WaiverConfig,
} from "./types";

export const NAMESPACE = "hotdash";

/** Each secret: its environment-variable fallback and what to put there. */
export const SECRET_SPECS: Readonly<Record<SecretName, { readonly env: string; readonly describe: string; readonly placeholder: string }>> = {
    flyApiToken: { env: "FLY_API_TOKEN", describe: "Fly.io API token (`fly tokens create org`)", placeholder: "<fly-api-token>" },
    supabaseAccessToken: { env: "SUPABASE_ACCESS_TOKEN", describe: "Supabase personal access token (sbp_...)", placeholder: "<sbp_token>" },
    chatwootApiToken: { env: "CHATWOOT_API_TOKEN", describe: "access token of a Chatwoot administrator (Profile settings)", placeholder: "<chatwoot-token>" },
    supabaseServiceRoleKey: { env: "SUPABASE_SERVICE_ROLE_KEY", describe: "Supabase service-role (or sb_secret_) key the agent service writes with", placeholder: "<service-role-key>" },
    alertSlackWebhookUrl: { env: "SLACK_WEBHOOK_URL", describe: "Slack incoming-webhook URL the alerts are posted to", placeholder: "<https://hooks.slack.com/services/...>" },
    databaseUrl: { env: "DATABASE_URL", describe: "Supabase Postgres connection URL the pre-launch pg_dump reads", placeholder: "<postgresql://...>" },
    chatwootDatabaseUrl: { env: "CHATWOOT_DATABASE_URL", describe: "PostgreSQL URL of Chatwoot's own database", placeholder: "<postgresql://...>" },
    chatwootRedisUrl: { env: "CHATWOOT_REDIS_URL", describe: "Redis URL of Chatwoot's queues and cache", placeholder: "<rediss://...>" },
    flyMetricsToken: { env: "FLY_METRICS_TOKEN", describe: "read-only Fly token the monitoring reads Fly's metrics with (`fly tokens create readonly`)", placeholder: "<fly-readonly-token>" },
};

const SECRET_NAMES = Object.keys(SECRET_SPECS) as SecretName[];

/** The config keys that hold secrets (`hotdash:flyApiToken`, ...), whether or not they were set with --secret. */
export const SECRET_NAMES_AS_KEYS: readonly string[] = SECRET_NAMES.map((n) => `hotdash:${n}`);

/** Every key the namespace accepts; anything else is reported as unknown. */
export const KNOWN_KEYS: readonly string[] = [
    "environment", "fly", "supabase", "chatwoot", "apps", "webhooksEnabled", "webhookRotation", "monitoring", "backups",
    "launch", "tokenExpiry", "readiness", "waivers", ...SECRET_NAMES,
];

export const DEFAULTS = {
    flyApiUrl: "https://api.machines.dev/v1",
    flyRegion: "iad",
    deployTimeoutSeconds: 300,
    checkGraceSeconds: 60,
    supabaseApiUrl: "https://api.supabase.com",
    /** The launch checklist's success metrics and channel. */
    monitoring: {
        errorRatePercent: 0.1, p95LatencyMs: 500, webhookDeliveryPercent: 99, draftGenerationSeconds: 3,
        queueDepth: 50, window: "5m", alertChannel: "#launch-war-room",
    },
    backups: {
        scheduleFor: "04:00:00", pitr: false, maxBackupAgeHours: 26, preLaunchDump: true, dumpDir: "backups",
        volumeSnapshotRetentionDays: 14,
    },
} as const;

export interface ConfigProblem {
    /** Full key path, e.g. `hotdash:apps.chatwoot.image`. */
    readonly key: string;
    readonly message: string;
    /** The command that fixes it. */
    readonly fix: string;
}

export class ConfigError extends Error {
    override readonly name = "ConfigError";
    constructor(readonly stackName: string, readonly problems: readonly ConfigProblem[]) {
        super(
            `hotdash config for stack "${stackName}" has ${problems.length} problem${problems.length === 1 ? "" : "s"}:\n` +
            problems.map((p) => `  - ${p.key}: ${p.message}\n      fix: ${p.fix}`).join("\n"),
        );
    }
}

export interface ValidationContext {
    readonly stack: string;
    /** Environment variables consulted for secret fallbacks. */
    readonly env: Readonly<Record<string, string | undefined>>;
}

/** Parses and validates the namespace; throws a ConfigError naming every problem found. */
export function validateConfig(raw: RawConfig, ctx: ValidationContext): LaunchConfig {
    const c = new Checker(raw, ctx);
    const result = c.run();
    if (c.problems.length > 0) throw new ConfigError(ctx.stack, c.problems);
    return result;
}

/** The `pulumi config set` command for a key, quoting what the shell would otherwise interpret. */
export function fixCommand(stack: string, path: string, value: string, opts: { secret?: boolean } = {}): string {
    const nested = path.includes(".");
    const flags = [nested ? "--path" : "", opts.secret ? "--secret" : ""].filter(Boolean).join(" ");
    const key = `${NAMESPACE}:${path}`;
    return `pulumi config set ${flags ? `${flags} ` : ""}${shellQuote(key)} ${shellQuote(value)} --stack ${shellQuote(stack)}`;
}

/** `s` as one shell word. */
export function shellQuote(s: string): string {
    return /^[A-Za-z0-9_./:=@+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

const IMAGE_RE = /^(?:[A-Za-z0-9.-]+(?::[0-9]+)?\/)?[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?@sha256:[a-f0-9]{64}$/;
const HOSTNAME_RE = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "[::1]"];

/** Problems with an image reference, or undefined when it is pinned by digest. */
export function imageProblem(image: string): string | undefined {
    if (IMAGE_RE.test(image)) return undefined;
    const at = image.indexOf("@");
    if (at < 0) {
        return `image "${image}" is not pinned by digest; rollback redeploys a previous digest, so a tag is not enough. ` +
            `Use <repository>@sha256:<digest> (\`docker buildx imagetools inspect ${image}\` prints the digest)`;
    }
    if (!/^sha256:[a-f0-9]{64}$/.test(image.slice(at + 1))) {
        return `image "${image}" has a malformed digest: expected "sha256:" and 64 lowercase hex characters`;
    }
    return `image "${image}" is not a valid image reference: expected <registry>/<repository>[:tag]@sha256:<digest>`;
}

/** A URL's problem under the environment's rules, or undefined when it is acceptable. */
export function urlProblem(value: string, environment: Environment): string | undefined {
    let url: URL;
    try {
        url = new URL(value);
    } catch {
        return `"${value}" is not a URL`;
    }
    if (url.protocol === "https:") return undefined;
    if (url.protocol !== "http:") return `"${value}" must be an https:// URL`;
    if (environment === "sandbox" && LOOPBACK_HOSTS.includes(url.hostname)) return undefined;
    return environment === "sandbox"
        ? `"${value}" uses http:// off the loopback interface; the sandbox allows plain http only on 127.0.0.1`
        : `"${value}" uses http://; outside the sandbox every endpoint must be https://`;
}

/** Levenshtein distance, for "did you mean" on unknown keys. */
function distance(a: string, b: string): number {
    const row = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; i++) {
        let prev = row[0]!;
        row[0] = i;
        for (let j = 1; j <= b.length; j++) {
            const tmp = row[j]!;
            row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
            prev = tmp;
        }
    }
    return row[b.length]!;
}

function isPlaceholder(v: unknown): boolean {
    return typeof v === "string" && /^<.*>$/.test(v.trim());
}

type Obj = Readonly<Record<string, unknown>>;

interface StringOpts {
    readonly default?: string;
    readonly placeholder: string;
    readonly describe: string;
    /** The default derives from another key that is already reported broken: stay quiet when this one is unset. */
    readonly derivedFromBroken?: boolean;
}

/** Walks the raw config once, collecting every problem instead of stopping at the first. */
class Checker {
    readonly problems: ConfigProblem[] = [];
    private environment: Environment = "production";

    constructor(private readonly raw: RawConfig, private readonly ctx: ValidationContext) {}

    run(): LaunchConfig {
        this.unknownKeys();
        this.environment = this.environmentValue();
        const fly = this.fly();
        const supabase = this.supabase();
        const apps = this.apps(fly.primaryRegion);
        const chatwoot = this.chatwoot(apps.chatwoot.publicUrl);
        const monitoring = this.monitoring();
        const backups = this.backups();
        const launch = this.launch();
        return {
            stack: this.ctx.stack,
            environment: this.environment,
            fly,
            supabase,
            chatwoot,
            apps,
            webhooks: {
                enabled: this.bool("webhooksEnabled", false),
                rotation: this.integer(this.top("webhookRotation"), "webhookRotation", 0, { min: 0 }),
            },
            monitoring,
            backups,
            ...(launch ? { launch } : {}),
            tokenExpiry: this.tokenExpiry(),
            readiness: this.readiness(),
            waivers: this.waivers(),
            secrets: this.secrets(backups.preLaunchDump),
        };
    }

    private problem(path: string, message: string, fixValue: string, opts: { secret?: boolean; fix?: string } = {}): void {
        this.problems.push({
            key: `${NAMESPACE}:${path}`,
            message,
            fix: opts.fix ?? fixCommand(this.ctx.stack, path, fixValue, opts),
        });
    }

    private top(name: string): unknown {
        const v = this.raw.values[`${NAMESPACE}:${name}`];
        return typeof v === "string" && /^\s*[{[]/.test(v) ? tryJson(v) : v;
    }

    private unknownKeys(): void {
        for (const full of Object.keys(this.raw.values)) {
            if (!full.startsWith(`${NAMESPACE}:`)) continue;
            const name = full.slice(NAMESPACE.length + 1);
            if (KNOWN_KEYS.includes(name)) continue;
            const close = KNOWN_KEYS.find((k) => distance(k.toLowerCase(), name.toLowerCase()) <= 2);
            this.problems.push({
                key: full,
                message: `unknown key${close ? `; did you mean ${NAMESPACE}:${close}?` : ""}`,
                fix: `pulumi config rm ${shellQuote(full)} --stack ${shellQuote(this.ctx.stack)}`,
            });
        }
    }

    private environmentValue(): Environment {
        const v = this.top("environment");
        if (v === undefined) return "production";
        if (v === "production" || v === "sandbox") return v;
        this.problem("environment", `must be "production" or "sandbox", not ${JSON.stringify(v)}`, "production");
        return "production";
    }

    private section(name: string, example: string): Obj {
        const v = this.top(name);
        if (v === undefined) {
            return {};
        }
        if (typeof v === "object" && v !== null && !Array.isArray(v)) return v as Obj;
        this.problem(name, `must be an object (${example}), not ${JSON.stringify(v)}`, example);
        return {};
    }

    /** A required or defaulted string at `path` inside `obj`. */
    private string(obj: Obj, path: string, opts: StringOpts): string {
        const v = obj[path.slice(path.lastIndexOf(".") + 1)];
        if (v === undefined || v === null || v === "") {
            if (opts.default !== undefined) return opts.default;
            if (opts.derivedFromBroken) return ""; // the key it derives from is already reported
            this.problem(path, `missing: ${opts.describe}`, opts.placeholder);
            return "";
        }
        if (typeof v !== "string") {
            this.problem(path, `must be a string (${opts.describe}), not ${JSON.stringify(v)}`, opts.placeholder);
            return "";
        }
        if (isPlaceholder(v)) {
            this.problem(path, `still the placeholder ${v}: ${opts.describe}`, opts.placeholder);
            return "";
        }
        return v.trim();
    }

    private url(obj: Obj, path: string, opts: StringOpts): string {
        const v = this.string(obj, path, opts);
        if (!v) return v;
        const problem = urlProblem(v, this.environment);
        if (problem) {
            this.problem(path, problem, opts.placeholder);
            return "";
        }
        return v.replace(/\/+$/, "");
    }

    private region(obj: Obj, path: string, fallback: string): string {
        const v = this.string(obj, path, { default: fallback, placeholder: DEFAULTS.flyRegion, describe: "a Fly region code" });
        if (v && !FLY_REGIONS.includes(v)) {
            this.problem(path, `unknown Fly region "${v}"; use one of ${FLY_REGIONS.join(", ")}`, DEFAULTS.flyRegion);
            return "";
        }
        return v;
    }

    private integer(v: unknown, path: string, fallback: number, opts: { min: number; max?: number }): number {
        if (v === undefined || v === null || v === "") return fallback;
        const n = typeof v === "string" ? Number(v) : v;
        if (typeof n !== "number" || !Number.isInteger(n) || n < opts.min || (opts.max !== undefined && n > opts.max)) {
            const range = opts.max === undefined ? `>= ${opts.min}` : `between ${opts.min} and ${opts.max}`;
            this.problem(path, `must be an integer ${range}, not ${JSON.stringify(v)}`, String(fallback));
            return fallback;
        }
        return n;
    }

    private bool(name: string, fallback: boolean, v: unknown = this.top(name)): boolean {
        if (v === undefined || v === null || v === "") return fallback;
        if (v === true || v === "true") return true;
        if (v === false || v === "false") return false;
        this.problem(name, `must be true or false, not ${JSON.stringify(v)}`, String(fallback));
        return fallback;
    }

    private fly(): LaunchConfig["fly"] {
        const o = this.section("fly", "{org: hotdash}");
        const org = this.string(o, "fly.org", { placeholder: "<fly-org-slug>", describe: "the Fly organization slug that owns the apps (`fly orgs list`)" });
        if (org && !/^[a-z0-9][a-z0-9-]*$/.test(org)) {
            this.problem("fly.org", `"${org}" is not a Fly organization slug (lowercase letters, digits and dashes)`, "<fly-org-slug>");
        }
        return {
            apiUrl: this.url(o, "fly.apiUrl", { default: DEFAULTS.flyApiUrl, placeholder: DEFAULTS.flyApiUrl, describe: "the Machines API URL" }),
            org,
            primaryRegion: this.region(o, "fly.primaryRegion", DEFAULTS.flyRegion),
            deployTimeoutSeconds: this.positive(o, "fly.deployTimeoutSeconds", DEFAULTS.deployTimeoutSeconds, { max: 3600 }),
            checkGraceSeconds: this.positive(o, "fly.checkGraceSeconds", DEFAULTS.checkGraceSeconds, { max: 3600 }),
        };
    }

    private supabase(): LaunchConfig["supabase"] {
        const o = this.section("supabase", "{projectRef: abcdefghijklmnopqrst}");
        const describe = "the Supabase project ref, 20 lowercase letters (Project Settings > General)";
        let projectRef = this.string(o, "supabase.projectRef", { placeholder: "<project-ref>", describe });
        if (projectRef && !/^[a-z]{20}$/.test(projectRef)) {
            this.problem("supabase.projectRef", `"${projectRef}" is not a Supabase project ref: expected 20 lowercase letters`, "<project-ref>");
            projectRef = "";
        }
        return {
            apiUrl: this.url(o, "supabase.apiUrl", { default: DEFAULTS.supabaseApiUrl, placeholder: DEFAULTS.supabaseApiUrl, describe: "the Management API URL" }),
            projectRef,
            url: this.url(o, "supabase.url", {
                ...(projectRef ? { default: `https://${projectRef}.supabase.co` } : { derivedFromBroken: true }),
                placeholder: "https://<project-ref>.supabase.co",
                describe: "the project URL supabase-js uses",
            }),
        };
    }

    private chatwoot(chatwootAppUrl: string): LaunchConfig["chatwoot"] {
        const o = this.section("chatwoot", "{accountId: 1}");
        const baseUrl = this.url(o, "chatwoot.baseUrl", {
            ...(chatwootAppUrl ? { default: chatwootAppUrl } : { derivedFromBroken: true }),
            placeholder: flyDevUrl(APPS.chatwoot.name),
            describe: "the Chatwoot base URL",
        });
        const rawId = o["accountId"];
        let accountId = 0;
        if (rawId === undefined || rawId === null || rawId === "" || isPlaceholder(rawId)) {
            this.problem("chatwoot.accountId", `${isPlaceholder(rawId) ? `still the placeholder ${rawId}` : "missing"}: the Chatwoot account id whose webhooks the stack manages (the number in /app/accounts/<id>/)`, "<account-id>");
        } else {
            accountId = this.integer(rawId, "chatwoot.accountId", 0, { min: 1 });
        }
        const testRaw = o["testConversationId"];
        let testConversationId: number | undefined;
        if (testRaw !== undefined && testRaw !== null && testRaw !== "") {
            const n = typeof testRaw === "string" ? Number(testRaw) : testRaw;
            if (typeof n === "number" && Number.isInteger(n) && n >= 1) testConversationId = n;
            else this.problem("chatwoot.testConversationId", `${JSON.stringify(testRaw)} is not a conversation id (the number in /app/accounts/<id>/conversations/<number>)`, "<conversation-id>");
        }
        return { baseUrl, accountId, ...(testConversationId ? { testConversationId } : {}) };
    }

    private apps(primaryRegion: string): Record<AppKey, AppConfig> {
        const all = this.section("apps", "{agentService: {image: ...}}");
        for (const key of Object.keys(all)) {
            if (!(APP_KEYS as readonly string[]).includes(key)) {
                this.problems.push({
                    key: `${NAMESPACE}:apps.${key}`,
                    message: `unknown app; the stack declares ${APP_KEYS.join(", ")}`,
                    fix: `pulumi config rm --path ${shellQuote(`${NAMESPACE}:apps.${key}`)} --stack ${shellQuote(this.ctx.stack)}`,
                });
            }
        }
        const out = {} as Record<AppKey, AppConfig>;
        for (const key of APP_KEYS) out[key] = this.app(key, all[key], primaryRegion);
        return out;
    }

    private app(key: AppKey, raw: unknown, primaryRegion: string): AppConfig {
        const facts = APPS[key];
        const base = `apps.${key}`;
        let o: Obj = {};
        if (raw !== undefined && (typeof raw !== "object" || raw === null || Array.isArray(raw))) {
            this.problem(base, `must be an object ({image: ...}), not ${JSON.stringify(raw)}`, "<image>");
        } else if (raw) {
            o = raw as Obj;
        }
        const name = this.string(o, `${base}.name`, { default: facts.name, placeholder: facts.name, describe: "the Fly app name" });
        if (name && !/^[a-z0-9][a-z0-9-]{1,62}$/.test(name)) {
            this.problem(`${base}.name`, `"${name}" is not a valid Fly app name (lowercase letters, digits and dashes)`, facts.name);
        }
        const placeholder = `<registry>/<repository>@sha256:<digest>`;
        let image = this.string(o, `${base}.image`, { placeholder, describe: `the ${facts.name} image, pinned by digest` });
        const imgProblem = image ? imageProblem(image) : undefined;
        if (imgProblem) {
            this.problem(`${base}.image`, imgProblem, placeholder);
            image = "";
        }
        const publicUrl = this.url(o, `${base}.publicUrl`, {
            ...(name ? { default: flyDevUrl(name) } : { derivedFromBroken: true }),
            placeholder: flyDevUrl(facts.name),
            describe: "the app's public URL",
        });
        const hostnameRaw = o["hostname"];
        let hostname: string | undefined;
        if (hostnameRaw !== undefined && hostnameRaw !== null && hostnameRaw !== "") {
            if (typeof hostnameRaw === "string" && HOSTNAME_RE.test(hostnameRaw)) hostname = hostnameRaw;
            else this.problem(`${base}.hostname`, `${JSON.stringify(hostnameRaw)} is not a DNS hostname such as support.example.com`, "<hostname>");
        }
        return {
            key,
            name,
            image,
            region: this.region(o, `${base}.region`, primaryRegion),
            publicUrl,
            machines: this.machines(o["machines"], base, key),
            runsInProduction: this.bool(`${base}.runsInProduction`, false, o["runsInProduction"]),
            ...(hostname ? { hostname } : {}),
        };
    }

    /** `machines: 2` for a single-group app, or `{web: 2, worker: 1}` per process group. */
    private machines(raw: unknown, base: string, key: AppKey): Record<string, number> {
        const groups = Object.keys(APPS[key].processes);
        const fallback = APPS[key].defaultMachines;
        const out: Record<string, number> = {};
        if (raw !== null && typeof raw === "object" && !Array.isArray(raw)) {
            for (const g of Object.keys(raw)) {
                if (!groups.includes(g)) {
                    this.problem(`${base}.machines.${g}`, `unknown process group; ${APPS[key].name} has ${groups.join(", ")}`, String(fallback));
                }
            }
            for (const g of groups) out[g] = this.integer((raw as Obj)[g], `${base}.machines.${g}`, fallback, { min: 0, max: 20 });
            return out;
        }
        const n = this.integer(raw, `${base}.machines`, fallback, { min: 0, max: 20 });
        for (const g of groups) out[g] = n;
        return out;
    }

    /** A positive number at `path` (thresholds accept fractions). */
    private positive(o: Obj, path: string, fallback: number, opts: { max?: number } = {}): number {
        const v = o[path.slice(path.lastIndexOf(".") + 1)];
        if (v === undefined || v === null || v === "") return fallback;
        const n = typeof v === "string" ? Number(v) : v;
        if (typeof n !== "number" || !Number.isFinite(n) || n <= 0 || (opts.max !== undefined && n > opts.max)) {
            this.problem(path, `must be a number above 0${opts.max !== undefined ? ` and at most ${opts.max}` : ""}, not ${JSON.stringify(v)}`, String(fallback));
            return fallback;
        }
        return n;
    }

    private monitoring(): LaunchConfig["monitoring"] {
        const o = this.section("monitoring", "{p95LatencyMs: 500}");
        const d = DEFAULTS.monitoring;
        const window = this.string(o, "monitoring.window", { default: d.window, placeholder: d.window, describe: "a Prometheus duration such as 5m" });
        if (window && !/^\d+[smh]$/.test(window)) this.problem("monitoring.window", `"${window}" is not a duration such as 30s, 5m or 1h`, d.window);
        const channel = this.string(o, "monitoring.alertChannel", { default: d.alertChannel, placeholder: d.alertChannel, describe: "the Slack channel" });
        if (channel && !/^#[a-z0-9_-]{1,80}$/.test(channel)) this.problem("monitoring.alertChannel", `"${channel}" is not a Slack channel such as #launch-war-room`, d.alertChannel);
        const imagesRaw = o["images"];
        const images = (imagesRaw !== null && typeof imagesRaw === "object" && !Array.isArray(imagesRaw) ? imagesRaw : {}) as Obj;
        const image = (group: "prometheus" | "alertmanager" | "blackbox", repo: string): string => {
            const path = `monitoring.images.${group}`;
            const v = this.string(images, path, { placeholder: `${repo}@sha256:<digest>`, describe: `the ${repo} image, pinned by digest` });
            const problem = v ? imageProblem(v) : undefined;
            if (problem) this.problem(path, problem, `${repo}@sha256:<digest>`);
            return problem ? "" : v;
        };
        return {
            images: {
                prometheus: image("prometheus", "prom/prometheus"),
                alertmanager: image("alertmanager", "prom/alertmanager"),
                blackbox: image("blackbox", "prom/blackbox-exporter"),
            },
            errorRatePercent: this.positive(o, "monitoring.errorRatePercent", d.errorRatePercent, { max: 100 }),
            p95LatencyMs: this.positive(o, "monitoring.p95LatencyMs", d.p95LatencyMs),
            webhookDeliveryPercent: this.positive(o, "monitoring.webhookDeliveryPercent", d.webhookDeliveryPercent, { max: 100 }),
            draftGenerationSeconds: this.positive(o, "monitoring.draftGenerationSeconds", d.draftGenerationSeconds),
            queueDepth: this.integer(o["queueDepth"], "monitoring.queueDepth", d.queueDepth, { min: 1 }),
            window,
            alertChannel: channel,
        };
    }

    private backups(): LaunchConfig["backups"] {
        const o = this.section("backups", "{scheduleFor: 04:00:00}");
        const d = DEFAULTS.backups;
        const scheduleFor = this.string(o, "backups.scheduleFor", { default: d.scheduleFor, placeholder: d.scheduleFor, describe: "a UTC time of day, HH:MM:SS" });
        if (scheduleFor && !/^([01]\d|2[0-3]):[0-5]\d:[0-5]\d$/.test(scheduleFor)) {
            this.problem("backups.scheduleFor", `"${scheduleFor}" is not a UTC time of day such as 04:00:00`, d.scheduleFor);
        }
        return {
            scheduleFor,
            pitr: this.bool("backups.pitr", d.pitr, o["pitr"]),
            maxBackupAgeHours: this.positive(o, "backups.maxBackupAgeHours", d.maxBackupAgeHours),
            preLaunchDump: this.bool("backups.preLaunchDump", d.preLaunchDump, o["preLaunchDump"]),
            dumpDir: this.string(o, "backups.dumpDir", { default: d.dumpDir, placeholder: d.dumpDir, describe: "a directory for the dumps" }),
            volumeSnapshotRetentionDays: this.integer(o["volumeSnapshotRetentionDays"], "backups.volumeSnapshotRetentionDays", d.volumeSnapshotRetentionDays, { min: 1, max: 60 }),
        };
    }

    /** A UTC calendar date `YYYY-MM-DD` at `path`, or undefined when unset; a placeholder is reported. */
    private date(o: Obj, path: string, describe: string): string | undefined {
        const v = o[path.slice(path.lastIndexOf(".") + 1)];
        if (v === undefined || v === null || v === "") return undefined;
        if (isPlaceholder(v)) {
            this.problem(path, `still the placeholder ${String(v)}: ${describe}`, "<YYYY-MM-DD>");
            return undefined;
        }
        const s = v instanceof Date ? v.toISOString().slice(0, 10) : String(v);
        if (/^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s)) return s;
        this.problem(path, `${JSON.stringify(v)} is not a UTC date such as 2026-12-31`, "<YYYY-MM-DD>");
        return undefined;
    }

    private launch(): LaunchConfig["launch"] {
        const o = this.section("launch", "{windowStart: 2026-12-01, windowEnd: 2026-12-03}");
        if (Object.keys(o).length === 0) return undefined;
        const start = this.date(o, "launch.windowStart", "the first day of the launch window");
        const end = this.date(o, "launch.windowEnd", "the last day of the launch window");
        const given = (k: string): boolean => o[k] !== undefined && o[k] !== null && o[k] !== "" && !isPlaceholder(o[k]);
        if (!start && !given("windowStart") && !isPlaceholder(o["windowStart"])) this.problem("launch.windowStart", "missing: the first day of the launch window", "<YYYY-MM-DD>");
        if (!end && !given("windowEnd") && !isPlaceholder(o["windowEnd"])) this.problem("launch.windowEnd", "missing: the last day of the launch window", "<YYYY-MM-DD>");
        if (!start || !end) return undefined;
        if (end < start) this.problem("launch.windowEnd", `the window ends (${end}) before it starts (${start})`, start);
        return { start, end, minTokenValidityDays: this.integer(o["minTokenValidityDays"], "launch.minTokenValidityDays", 14, { min: 0, max: 365 }) };
    }

    private tokenExpiry(): LaunchConfig["tokenExpiry"] {
        const o = this.section("tokenExpiry", "{supabase: 2027-06-30}");
        for (const k of Object.keys(o)) {
            if (k === "fly") {
                // a date typed here could only disagree with the token: Fly's macaroons carry their own validity window
                this.problem("tokenExpiry.fly", "not needed: the Fly token's expiry is read from the token itself (its macaroon's validity window); remove the key", "", {
                    fix: `pulumi config rm --path ${NAMESPACE}:tokenExpiry.fly --stack ${shellQuote(this.ctx.stack)}`,
                });
            } else if (k !== "supabase") this.problem(`tokenExpiry.${k}`, "unknown token; declare supabase only (Fly tokens state their own expiry, Chatwoot tokens have none)", "<YYYY-MM-DD>");
        }
        const supabase = this.date(o, "tokenExpiry.supabase", "the day the Supabase token expires (shown when you create it)");
        return supabase ? { supabase } : {};
    }

    /** The human items: `{<item>: {owner, confirmed}}`, each item one of READINESS_KEYS. */
    private readiness(): LaunchConfig["readiness"] {
        const o = this.section("readiness", "{onCall: {owner: alice, confirmed: true}}");
        const out: Partial<Record<ReadinessKey, ReadinessItem>> = {};
        for (const [key, v] of Object.entries(o)) {
            if (!(READINESS_KEYS as readonly string[]).includes(key)) {
                this.problem(`readiness.${key}`, `unknown item; the items are ${READINESS_KEYS.join(", ")}`, "<owner>", { fix: `pulumi config rm --path ${shellQuote(`${NAMESPACE}:readiness.${key}`)} --stack ${shellQuote(this.ctx.stack)}` });
                continue;
            }
            if (v === null || typeof v !== "object" || Array.isArray(v)) {
                this.problem(`readiness.${key}.owner`, `readiness.${key} must be {owner, confirmed}, not ${JSON.stringify(v)}`, "<owner>");
                continue;
            }
            const item = v as Obj;
            const owner = item["owner"];
            if (owner !== undefined && (typeof owner !== "string" || owner.trim() === "" || isPlaceholder(owner))) {
                this.problem(`readiness.${key}.owner`, `${isPlaceholder(owner) ? `still the placeholder ${String(owner)}` : `${JSON.stringify(owner)} is not a name`}: who answers for this item`, "<owner>");
            }
            const confirmed = this.bool(`readiness.${key}.confirmed`, false, item["confirmed"]);
            out[key as ReadinessKey] = { ...(typeof owner === "string" && owner.trim() && !isPlaceholder(owner) ? { owner: owner.trim() } : {}), confirmed };
        }
        return out;
    }

    private waivers(): readonly WaiverConfig[] {
        const v = this.top("waivers");
        if (v === undefined || v === null) return [];
        if (Array.isArray(v)) return v.map((w) => (w !== null && typeof w === "object" ? w as WaiverConfig : { reason: w }));
        this.problem("waivers", "must be a list of {ruleId, resource, reason, approver, expires}", "[]");
        return [];
    }

    private secrets(needDatabaseUrl: boolean): Partial<Record<SecretName, SecretSource>> {
        const out: Partial<Record<SecretName, SecretSource>> = {};
        for (const name of SECRET_NAMES) {
            if (name === "databaseUrl" && !needDatabaseUrl) continue;
            if (name === "flyMetricsToken" && this.environment !== "production") continue; // the sandbox has no managed Prometheus
            const spec = SECRET_SPECS[name];
            const full = `${NAMESPACE}:${name}`;
            const v = this.raw.values[full];
            const present = v === ENCRYPTED || (typeof v === "string" && v.trim() !== "" && !isPlaceholder(v));
            const envValue = this.ctx.env[spec.env];
            if (present) {
                if (!this.raw.secretKeys.includes(full) && this.environment !== "sandbox") {
                    this.problem(name, `stored in plain text outside the sandbox; set it again with --secret (the ${spec.describe})`, spec.placeholder, { secret: true });
                }
                out[name] = { from: "config", key: full };
            } else if (envValue !== undefined && envValue.trim() !== "") {
                out[name] = { from: "env", variable: spec.env };
            } else {
                // no source: a secret that is not set must not look set to anything downstream (LaunchFacts)
                this.problem(name, `missing: the ${spec.describe}. Set it as a secret, or export ${spec.env}`, spec.placeholder, { secret: true });
            }
        }
        return out;
    }
}

function tryJson(s: string): unknown {
    try {
        return JSON.parse(s);
    } catch {
        return s;
    }
}
