/**
 * `launch policy --stack S [--json F] [--sarif F] [--junit F] [--markdown F]`: the policy pack as a pre-flight,
 * without the Pulumi CLI or any vendor token. The program runs in-process under Pulumi's runtime mocks in preview
 * mode (planned inputs; outputs not yet known are unknown), and the pack's rules evaluate what it declares. Exit 0 when nothing mandatory fails or is unknown and no waiver has expired, 1 otherwise, 2 on an error.
 *
 * It is not the gate: with the CLI, `pulumi preview --policy-pack policies` runs the same rules inside Pulumi's
 * engine. Before the program can run at all, the config must be valid: config problems are reported as findings of
 * HD-CFG-001, each with the command that fixes it, and the pack is then reported as not evaluated (HD-PLAN-001).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { rawFromStackFile, stackFilePath } from "../components/config/load";
import { ENCRYPTED, type RawConfig, type SecretName } from "../components/config/types";
import { ConfigError, SECRET_NAMES_AS_KEYS, SECRET_SPECS, validateConfig } from "../components/config/validate";
import { evaluatePack } from "../policies/framework/evaluate";
import type { Finding } from "../policies/framework/finding";
import { redactor, stringsIn } from "../policies/framework/redact";
import type { RuleMeta } from "../policies/framework/rule";
import { StackView, TYPES, type RawResource } from "../policies/framework/stack";
import { UNKNOWN } from "../policies/framework/unknown";
import { RULE_IDS, RULES } from "../policies/rules";
import { type Command, type CommandContext, requireStack } from "./cli";
import { planUnderMocks } from "./mockPlan";
import { stackPassphrase } from "./workspace";
import { renderJunit } from "./report/junit";
import { renderMarkdown } from "./report/markdown";
import { buildReport, isBlocker, itemOf, type Report, type ReportItem } from "./report/model";
import { renderSarif } from "./report/sarif";

/** Pre-flight items of `launch policy` itself: they are not pack rules, since Pulumi checks both on its own. */
export const CONFIG_RULE: RuleMeta = {
    id: "HD-CFG-001",
    title: "Stack config is complete and valid",
    description: "Every key of the hotdash namespace is set and valid, so the program can run.",
    severity: "critical",
    enforcement: "mandatory",
    remediation: ["Run the fix command each finding gives.", "Run `npx launch policy --stack <stack>` again."],
    url: "https://www.pulumi.com/docs/iac/concepts/config/",
};

export const PLAN_RULE: RuleMeta = {
    id: "HD-PLAN-001",
    title: "The program plans without errors",
    description: "The program declares every resource and every provider accepts its inputs (check), as `pulumi preview` requires.",
    severity: "critical",
    enforcement: "mandatory",
    remediation: ["Fix the error each finding names (a provider's check message, or the program's).", "Run `npx launch policy --stack <stack>` again."],
    url: "https://www.pulumi.com/docs/iac/cli/commands/pulumi_preview/",
};

/** What `launch policy` is, said in every report. */
export const PREFLIGHT_NOTE = "Pre-flight: `launch policy` runs the program in-process under mocks (planned inputs, no Pulumi CLI, no vendor call). The gate with the Pulumi CLI is `pulumi preview --policy-pack policies`.";

export interface PolicyRunOptions {
    readonly projectDir: string;
    readonly stack: string;
    /** Environment for secret fallbacks during validation. Defaults to process.env. */
    readonly env?: Readonly<Record<string, string | undefined>>;
    /** Evaluation time. Defaults to now. */
    readonly now?: Date;
    /** The stack's config file. Defaults to `Pulumi.<stack>.yaml` in the project directory. */
    readonly stackFile?: string;
}

export interface PolicyRun {
    readonly report: Report;
    /** Every secret value known to the run: what the renderers redact. */
    readonly secrets: readonly string[];
}

function toolVersion(projectDir: string): string {
    try {
        return String((JSON.parse(fs.readFileSync(path.join(projectDir, "policies", "package.json"), "utf8")) as { version?: string }).version ?? "0.0.0");
    } catch {
        return "0.0.0";
    }
}

function projectName(projectDir: string): string {
    const m = /^name:\s*(\S+)/m.exec(fs.readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8"));
    return m?.[1] ?? "hotdash-launch";
}

/** Secret values in config (set with --secret or under a secret's name) and in their environment fallbacks. */
function configSecrets(raw: RawConfig, env: Readonly<Record<string, string | undefined>>): string[] {
    const out: string[] = [];
    for (const key of new Set([...raw.secretKeys, ...SECRET_NAMES_AS_KEYS])) stringsIn(raw.values[key], out);
    for (const spec of Object.values(SECRET_SPECS)) {
        const v = env[spec.env];
        if (v) out.push(v);
    }
    return out;
}

const TOKEN_SECRETS: Readonly<Partial<Record<SecretName, "fly" | "supabase" | "chatwoot">>> = {
    flyApiToken: "fly", supabaseAccessToken: "supabase", chatwootApiToken: "chatwoot",
};

/**
 * The config the program runs with. An encrypted secret (readable only by the Pulumi CLI) is replaced by its
 * environment fallback when exported; otherwise by a stand-in, and a token among them is reported unknown.
 */
function programConfig(raw: RawConfig, env: Readonly<Record<string, string | undefined>>): { values: Record<string, unknown>; unreadableTokens: ("fly" | "supabase" | "chatwoot")[] } {
    const values: Record<string, unknown> = { ...raw.values };
    const unreadableTokens: ("fly" | "supabase" | "chatwoot")[] = [];
    for (const [key, v] of Object.entries(raw.values)) {
        if (v !== ENCRYPTED) continue;
        const name = key.slice("hotdash:".length) as SecretName;
        const fallback = SECRET_SPECS[name] ? env[SECRET_SPECS[name].env] : undefined;
        if (fallback) values[key] = fallback;
        else {
            values[key] = "encrypted-in-stack-file";
            const vendor = TOKEN_SECRETS[name];
            if (vendor) unreadableTokens.push(vendor);
        }
    }
    return { values, unreadableTokens };
}

function report(opts: PolicyRunOptions, generatedAt: string, items: readonly ReportItem[], evaluated: boolean): Report {
    return buildReport({
        title: "launch policy",
        stack: opts.stack,
        generatedAt,
        tool: { name: "hotdash-launch-policy", version: toolVersion(opts.projectDir) },
        rules: [CONFIG_RULE, PLAN_RULE, ...RULES],
        items,
        labels: { pass: "PASS", fail: "FAIL" },
        notes: [PREFLIGHT_NOTE],
        statusWithoutItems: evaluated ? "n/a" : "unknown",
    });
}

function configItem(key: string, status: "pass" | "fail", message: string, collectedAt: string, fix?: string): ReportItem {
    return itemOf(CONFIG_RULE, {
        ruleId: CONFIG_RULE.id, resource: key, status, message,
        evidence: { source: "stack config", observed: status === "pass" ? "valid" : "invalid", expected: "valid", collectedAt },
        ...(fix ? { fix } : {}),
    });
}

/**
 * LaunchFacts props with what the stand-in of an unreadable token made up replaced by UNKNOWN: its format, and for
 * Fly its expiry too, since that is read from the token.
 */
export function withUnreadableTokens(props: Readonly<Record<string, unknown>>, vendors: readonly ("fly" | "supabase" | "chatwoot")[]): Record<string, unknown> {
    const tokens = { ...(props["tokens"] as Record<string, object>) };
    for (const vendor of vendors) tokens[vendor] = { ...tokens[vendor], format: UNKNOWN, ...(vendor === "fly" ? { expires: UNKNOWN } : {}) };
    return { ...props, tokens };
}

/** Runs the pre-flight and builds its report; throws only for errors (a missing stack file, a broken program). */
export async function runPolicy(opts: PolicyRunOptions): Promise<PolicyRun> {
    const env = opts.env ?? process.env;
    const now = opts.now ?? new Date();
    const at = now.toISOString();
    const file = opts.stackFile ?? stackFilePath(opts.projectDir, opts.stack);
    if (!fs.existsSync(file)) throw new Error(`No config for stack "${opts.stack}": ${file} does not exist. Create it with \`pulumi stack init ${opts.stack}\`.`);
    const text = fs.readFileSync(file, "utf8");
    // secrets encrypted under a passphrase launch knows (the sandbox's, or PULUMI_CONFIG_PASSPHRASE) are read as they are
    const raw = rawFromStackFile(text, stackPassphrase(rawFromStackFile(text).values["hotdash:environment"] === "sandbox", env as NodeJS.ProcessEnv));
    const secrets = configSecrets(raw, env);
    const fileName = path.basename(file);

    try {
        validateConfig(raw, { stack: opts.stack, env });
    } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        const items = err.problems.map((p) => configItem(p.key, "fail", `${p.key}: ${p.message}`, at, p.fix));
        items.push(itemOf(PLAN_RULE, {
            ruleId: PLAN_RULE.id, resource: "program", status: "unknown",
            message: `program: not run until the ${err.problems.length} config problem${err.problems.length === 1 ? " is" : "s are"} fixed, so the pack's ${RULES.length} rules were not evaluated`,
            evidence: { source: "launch policy", observed: "not run", expected: "the program plans", collectedAt: at },
            fix: "run the fix commands above, then `npx launch policy --stack " + opts.stack + "` again",
        }));
        return { report: report(opts, at, items, false), secrets };
    }

    const { values, unreadableTokens } = programConfig(raw, env);
    const project = projectName(opts.projectDir);
    const run = await planUnderMocks({ projectDir: opts.projectDir, project, stack: opts.stack, config: values, secretKeys: raw.secretKeys });
    const resources: RawResource[] = run.registrations.filter((r) => r.custom).map((r) => {
        let props: unknown = r.inputs;
        if (r.type === TYPES.LaunchFacts && unreadableTokens.length) props = withUnreadableTokens(r.inputs, unreadableTokens);
        return { type: r.type, name: r.name, urn: `urn:pulumi:${opts.stack}::${project}::${r.type}::${r.name}`, props };
    });
    for (const r of run.registrations) stringsIn(r.secretInputs.map((k) => r.inputs[k]), secrets as string[]);

    const items: ReportItem[] = [configItem(fileName, "pass", `${fileName}: the hotdash config is complete and valid`, at)];
    if (run.errors.length) {
        for (const e of run.errors) {
            items.push(itemOf(PLAN_RULE, { ruleId: PLAN_RULE.id, resource: e.slice(0, e.indexOf(":")) || "program", status: "fail", message: e, evidence: { source: "preview under mocks", observed: "error", expected: "no error", collectedAt: at } }));
        }
    } else {
        items.push(itemOf(PLAN_RULE, { ruleId: PLAN_RULE.id, resource: "program", status: "pass", message: `program: planned ${resources.length} resources without errors`, evidence: { source: "preview under mocks", observed: `${resources.length} resources`, expected: "no error", collectedAt: at } }));
    }
    const evaluation = evaluatePack(RULES, StackView.of(resources), { now, stack: opts.stack, ruleIds: RULE_IDS });
    const ruleOf = new Map(RULES.map((r) => [r.id, r]));
    items.push(...evaluation.findings.map((f: Finding) => itemOf(ruleOf.get(f.ruleId)!, f)));
    return { report: report(opts, at, items, true), secrets };
}

/** The human summary: verdict and counts, then every blocker with its fix, then waived items. */
export function summaryLines(r: Report): string[] {
    const c = r.counts;
    const lines = [`launch policy --stack ${r.stack}: ${r.verdict} (${c.pass} pass, ${c.fail} fail, ${c.unknown} unknown, ${c.waived} waived, ${c["n/a"]} n/a)`];
    const blockers = r.items.filter(isBlocker);
    if (blockers.length) lines.push(`blockers (${blockers.length}):`);
    for (const i of blockers) {
        lines.push(`  ${i.status.toUpperCase().padEnd(8)} ${i.id.padEnd(11)} ${i.message}`);
        lines.push(`  ${"".padEnd(8)} ${"".padEnd(11)} fix: ${i.fix ?? i.remediation[0] ?? "see " + i.links[0]}`);
    }
    const waived = r.items.filter((i) => i.status === "waived");
    if (waived.length) lines.push(`waived (${waived.length}):`);
    for (const i of waived) lines.push(`  WAIVED   ${i.id.padEnd(11)} ${i.message}`);
    return lines;
}

type Format = "json" | "sarif" | "junit" | "markdown";

/** Every rendering of a report, each passed through the redactor. */
export function render(r: Report, format: Format, secrets: readonly string[]): string {
    const text = format === "json" ? `${JSON.stringify(r, null, 2)}\n`
        : format === "sarif" ? renderSarif(r, { artifact: `Pulumi.${r.stack}.yaml` })
            : format === "junit" ? renderJunit(r)
                : renderMarkdown(r);
    return redactor(secrets)(text);
}

export const policyCommand: Command = {
    name: "policy",
    summary: "pre-flight: the policy pack on the planned stack, no Pulumi CLI (exit 1 on a blocker)",
    usage: "launch policy --stack <stack> [--json F] [--sarif F] [--junit F] [--markdown F]",
    options: ["stack", "json", "sarif", "junit", "markdown"],
    async run(ctx: CommandContext) {
        const stack = requireStack(ctx);
        const { report: r, secrets } = await runPolicy({ projectDir: ctx.projectDir, stack });
        const redact = redactor(secrets);
        // a report written to stdout (`-`) keeps stdout clean: the summary then goes to stderr
        const toStdout = (["json", "sarif", "junit", "markdown"] as const).some((f) => ctx.options[f] === "-");
        const say = toStdout ? ctx.err : ctx.out;
        for (const line of summaryLines(r)) say(redact(line));
        say(redact(PREFLIGHT_NOTE));
        for (const format of ["json", "sarif", "junit", "markdown"] as const) {
            const target = ctx.options[format];
            if (typeof target !== "string" || !target) continue;
            const text = render(r, format, secrets);
            if (target === "-") {
                process.stdout.write(text);
                continue;
            }
            const file = path.resolve(ctx.projectDir, target);
            fs.mkdirSync(path.dirname(file), { recursive: true });
            fs.writeFileSync(file, text);
            say(`wrote ${format} report: ${path.relative(ctx.projectDir, file)}`);
        }
        return r.passed ? 0 : 1;
    },
};
