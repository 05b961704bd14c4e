/**
 * `runGoNoGo`: the go/no-go as a function (the command and `launch rehearse` both call it). It reads and validates
 * the stack's config, then runs the plan (`pulumi preview --policy-pack`) and every live probe at once, adds the
 * human items from `hotdash:readiness` and `--confirm`, and builds one report: GO only when no mandatory item is
 * fail or unknown. Nothing here throws for what it observes; it throws only when it cannot run at all.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { rawFromStackFile } from "../../components/config/load";
import { type LaunchConfig, type RawConfig, READINESS_KEYS, type ReadinessKey, type SecretName } from "../../components/config/types";
import { ConfigError, SECRET_NAMES_AS_KEYS, SECRET_SPECS, validateConfig } from "../../components/config/validate";
import type { Finding } from "../../policies/framework/finding";
import { stringsIn } from "../../policies/framework/redact";
import { buildReport, itemOf, type ReportItem } from "../report/model";
import { locatePulumi, type LocatedPulumi } from "../toolchain/locate";
import { projectTarget, stackPassphrase, type StackTarget } from "../workspace";
import { CONFIG_ITEM, E2E_ITEM, GO_NO_GO_ITEMS, type GoNoGoRule, MANUAL_ITEMS, WEBHOOK_ITEM } from "./checklist";
import { evidenceDigest } from "./decision";
import type { Decision, GoNoGoReport } from "./report";
import { enablesWebhook, type PlanResult, planFindings, previewPlan } from "./plan";
import { finding, type Probe, type ProbeContext, type ProbeTiming } from "./probe";
import { healthProbe } from "./probes/apps";
import { endToEndProbe, queueProbe } from "./probes/approvals";
import { certificatesProbe, machinesProbe } from "./probes/fly";
import { alertRouteProbe, monitoringProbe } from "./probes/monitoring";
import { backupProbe, databaseProbe } from "./probes/supabase";
import { tokenExpiryProbe, tokenValidityProbe } from "./probes/tokens";
import { webhookProbe } from "./probes/webhook";

/** Every live probe; they run concurrently. */
export const PROBES: readonly Probe[] = [
    healthProbe, machinesProbe, databaseProbe, backupProbe, tokenValidityProbe, tokenExpiryProbe, certificatesProbe,
    webhookProbe, endToEndProbe, queueProbe, monitoringProbe, alertRouteProbe,
];

/** What the checklist's "Launch Decision" block asks for. */
export interface GoNoGoOptions {
    readonly projectDir: string;
    readonly stack: string;
    /** Where the stack lives. Defaults to the project's own (a sandbox stack on the project's file backend). */
    readonly target?: StackTarget;
    /** Who authorizes the decision. Defaults to none: recorded as not authorized. */
    readonly approver?: string;
    /** Send the signed test message in production. Defaults to false (always sent in the sandbox). */
    readonly sendTestMessage?: boolean;
    /** Human items confirmed on the command line. Defaults to none. */
    readonly confirm?: readonly ReadinessKey[];
    /** A plan already made (the tests' probes-only runs reuse one); defaults to a real preview now. */
    readonly plan?: PlanResult;
    readonly pulumi?: LocatedPulumi;
    readonly env?: Readonly<Record<string, string | undefined>>;
    /** Evaluation time. Defaults to now. */
    readonly now?: Date;
    /** Seconds to wait for the test draft. Defaults to 15. */
    readonly draftTimeoutSeconds?: number;
}

export interface GoNoGoRun {
    readonly report: GoNoGoReport;
    /** Every secret value the run knows: what every output is redacted of. */
    readonly secrets: readonly string[];
    /** The validated config, when it was valid. */
    readonly config?: LaunchConfig;
    readonly plan?: PlanResult;
    /** A secret's value by name (the Slack URL the decision is posted to), when the config was valid. */
    readonly secret?: (name: SecretName) => string | undefined;
}

function stackFileText(workDir: string, stack: string): string {
    const file = path.join(workDir, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(file)) throw new Error(`No config for stack "${stack}": ${file} does not exist. Create it with \`pulumi stack init ${stack}\`.`);
    return fs.readFileSync(file, "utf8");
}

function secretsOf(raw: RawConfig, env: Readonly<Record<string, string | undefined>>): string[] {
    const out: string[] = [];
    for (const key of new Set([...raw.secretKeys, ...SECRET_NAMES_AS_KEYS])) stringsIn(raw.values[key], out);
    for (const spec of Object.values(SECRET_SPECS)) if (env[spec.env]) out.push(env[spec.env]!);
    return out;
}

function manualFindings(config: LaunchConfig | undefined, confirm: readonly ReadinessKey[], at: Date): Finding[] {
    return READINESS_KEYS.map((key) => {
        const rule = MANUAL_ITEMS[key];
        const item = config?.readiness[key];
        const owner = item?.owner ?? "unassigned";
        const byFlag = confirm.includes(key);
        const confirmed = byFlag || item?.confirmed === true;
        const source = byFlag ? "--confirm" : "hotdash:readiness";
        const stack = config?.stack ?? "<stack>";
        return finding(rule, key, confirmed ? "pass" : "unknown",
            confirmed ? `manual: ${rule.title}, confirmed (owner ${owner}, by ${source})` : `manual: ${rule.title}, not confirmed yet (owner ${owner})`,
            {
                observed: confirmed ? `confirmed by ${source}` : "unconfirmed", expected: "confirmed by its owner", source,
                ...(confirmed ? {} : { fix: item?.owner ? `npx launch go-no-go --stack ${stack} --confirm ${key}` : `pulumi config set --path hotdash:readiness.${key}.owner <name> --stack ${stack}, then confirm: npx launch go-no-go --stack ${stack} --confirm ${key}` }),
            }, at);
    });
}

async function timed(name: string, fn: () => Promise<Finding[]>, timings: ProbeTiming[]): Promise<Finding[]> {
    const t0 = performance.now();
    try {
        return await fn();
    } finally {
        timings.push({ probe: name, ms: Math.round(performance.now() - t0) });
    }
}

export async function runGoNoGo(opts: GoNoGoOptions): Promise<GoNoGoRun> {
    const t0 = performance.now();
    const env = opts.env ?? process.env;
    const now = opts.now ?? new Date();
    const at = now.toISOString();
    const text = stackFileText(opts.target?.workDir ?? opts.projectDir, opts.stack);
    // reading without a passphrase decrypts nothing, and the passphrase's key derivation is slow: derive it once
    const sandbox = rawFromStackFile(text).values["hotdash:environment"] === "sandbox";
    const target = opts.target ?? projectTarget(opts.projectDir, opts.stack, sandbox);
    const raw = rawFromStackFile(text, target.passphrase ?? stackPassphrase(sandbox, env as NodeJS.ProcessEnv));
    const secrets = secretsOf(raw, env);
    const findings: Finding[] = [];
    const timings: ProbeTiming[] = [];
    let config: LaunchConfig | undefined;
    let plan: PlanResult | undefined;
    let secret: ((name: SecretName) => string | undefined) | undefined;
    const evaluated = new Set<string>();

    try {
        config = validateConfig(raw, { stack: opts.stack, env });
        findings.push(finding(CONFIG_ITEM, `Pulumi.${opts.stack}.yaml`, "pass", "the hotdash config is complete and valid", { observed: "valid", expected: "valid", source: "stack config" }, now));
    } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        for (const p of err.problems) findings.push(finding(CONFIG_ITEM, p.key, "fail", `${p.key}: ${p.message}`, { observed: "invalid", expected: "valid", source: "stack config", fix: p.fix }, now));
    }

    if (config) {
        const cfg = config;
        const values = raw.values;
        secret = (name: SecretName): string | undefined => {
            const src = cfg.secrets[name];
            if (!src) return undefined;
            const v = src.from === "config" ? values[src.key] : env[src.variable];
            return typeof v === "string" ? v : undefined;
        };
        const ctx: ProbeContext = {
            config: cfg, secret, now,
            learnSecret: (v) => { secrets.push(v); },
            sendTestMessage: cfg.environment === "sandbox" || opts.sendTestMessage === true,
            draftTimeoutSeconds: opts.draftTimeoutSeconds ?? 15,
        };
        const planning = opts.plan
            ? Promise.resolve(opts.plan)
            : (async () => {
                const s = performance.now();
                const p = await previewPlan(target, opts.pulumi ?? await locatePulumi({}));
                timings.push({ probe: "plan (pulumi preview --policy-pack)", ms: Math.round(performance.now() - s) });
                return p;
            })();
        const [planned, ...probed] = await Promise.all([planning, ...PROBES.map((p) => timed(p.name, () => p.run(ctx), timings))]);
        plan = planned;
        findings.push(...planFindings(planned, { stack: opts.stack, agentApp: cfg.apps.agentService.name, at: now }));
        // the webhook is registered by the pending `up` itself: what needs it is judged after launch hour's up
        // (a preview a policy stops still lists its steps: the pack's unknowns about the webhook are the reason, see planFindings)
        const pendingWebhook = !planned.error && enablesWebhook(planned.steps);
        for (const f of probed.flat()) {
            if (pendingWebhook && (f.ruleId === WEBHOOK_ITEM.id || f.ruleId === E2E_ITEM.id)) continue;
            findings.push(f);
        }
        if (pendingWebhook) {
            for (const rule of [WEBHOOK_ITEM, E2E_ITEM]) {
                findings.push(finding(rule, "webhook", "n/a", `${rule.title}: the webhook is registered by the pending \`up\` (enabling it is the one change allowed); run the go/no-go again after it`, { observed: "webhook creation pending", expected: rule.description, source: "pulumi preview" }, now));
            }
        }
    }
    for (const f of findings) evaluated.add(f.ruleId);
    // what could not run is unknown, never silently absent: it blocks like a failure
    for (const rule of GO_NO_GO_ITEMS) {
        if (rule.kind === "manual" || evaluated.has(rule.id)) continue;
        findings.push(finding(rule, "not evaluated", "unknown", `${rule.title}: not evaluated until the config problems above are fixed`, { observed: "not run", expected: rule.description, source: "launch go-no-go" }, now));
    }
    findings.push(...manualFindings(config, opts.confirm ?? [], now));

    const ruleOf = new Map<string, GoNoGoRule>(GO_NO_GO_ITEMS.map((r) => [r.id, r]));
    const order = new Map(GO_NO_GO_ITEMS.map((r, i) => [r.id, i]));
    const items: ReportItem[] = findings.sort((a, b) => order.get(a.ruleId)! - order.get(b.ruleId)!).map((f) => itemOf(ruleOf.get(f.ruleId)!, f));
    const base = buildReport({
        title: "launch go-no-go", stack: opts.stack, generatedAt: at,
        tool: { name: "hotdash-launch-go-no-go", version: toolVersion(opts.projectDir) },
        rules: GO_NO_GO_ITEMS, items, labels: { pass: "GO", fail: "NO-GO" },
        notes: [
            "Every item of LAUNCH_CHECKLIST.md's pre-launch sections and Final Go/No-Go Decision: probed live, read from `pulumi preview --policy-pack policies`, or confirmed by its owner (manual).",
            ...(opts.plan ? ["The plan's evidence was made earlier in this session and reused (probes-only run)."] : []),
        ],
        statusWithoutItems: "unknown",
    });
    const decision: Decision = {
        date: at.slice(0, 10),
        time: `${at.slice(11, 16)} UTC`,
        verdict: base.passed ? "GO" : "NO-GO",
        authorizedBy: opts.approver?.trim() || "not authorized (pass --approver NAME)",
        evidenceDigest: evidenceDigest(items),
    };
    const report: GoNoGoReport = { ...base, decision, timings: [...timings].sort((a, b) => b.ms - a.ms), wallMs: Math.round(performance.now() - t0) };
    return { report, secrets, ...(config ? { config } : {}), ...(plan ? { plan } : {}), ...(secret ? { secret } : {}) };
}

function toolVersion(projectDir: string): string {
    try {
        return String((JSON.parse(fs.readFileSync(path.join(projectDir, "package.json"), "utf8")) as { version?: string }).version ?? "0.0.0");
    } catch {
        return "0.0.0";
    }
}
