/**
 * The plan: `pulumi preview --policy-pack policies` through the Automation API, the real gate. Its policy events
 * are the pack's verdict; its steps are what `up` would still change. At go/no-go the only change allowed is
 * enabling the webhook: its registration (and rotation keeper) created, and its secret reaching the agent's Fly
 * secrets and machines, Supabase's secrets and the launch facts. Any other step is listed as Pulumi shows it.
 */
import * as path from "node:path";
import type { EngineEvent, OpType } from "@pulumi/pulumi/automation";
import type { Finding } from "../../policies/framework/finding";
import type { LocatedPulumi } from "../toolchain/locate";
import { selectStack, type StackTarget } from "../workspace";
import { PLAN_ITEM, POLICY_ITEM } from "./checklist";
import { finding } from "./probe";

/** The policy pack of this project. */
export const POLICY_PACK_DIR = path.resolve(__dirname, "../../policies");

export interface PlanStep {
    readonly op: OpType;
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    /** Top-level properties that change, as Pulumi lists them. */
    readonly diffs: readonly string[];
}

export interface PolicyViolation {
    readonly policy: string;
    readonly enforcement: string;
    readonly resource: string;
    readonly message: string;
    /** The rule could not judge a value known only after apply (the policy pack reports it `[unknown]`). */
    readonly unknown: boolean;
}

export interface PlanResult {
    readonly ok: boolean;
    /** Steps that change something (no `same`, `read` or `refresh`). */
    readonly steps: readonly PlanStep[];
    readonly violations: readonly PolicyViolation[];
    /** The preview's error when it failed for another reason than a policy. */
    readonly error?: string;
    readonly ms: number;
}

const SYMBOL: Partial<Record<OpType, string>> = {
    create: "+", update: "~", delete: "-", replace: "+-", "create-replacement": "++", "delete-replaced": "--", import: "=", "import-replacement": "=>",
};

/** A step as `pulumi preview` prints it: symbol, type, name, operation and the changed properties. */
export function showStep(s: PlanStep): string {
    return `${SYMBOL[s.op] ?? "?"} ${s.type} ${s.name} ${s.op}${s.diffs.length ? ` [diff: ${s.diffs.map((d) => `~${d}`).join(", ")}]` : ""}`;
}

/** The input paths (two levels deep) that differ, for steps whose provider names no diff of its own. */
export function changedInputs(olds: Record<string, unknown> | undefined, news: Record<string, unknown> | undefined): string[] {
    const out: string[] = [];
    const walk = (a: unknown, b: unknown, prefix: string, depth: number): void => {
        if (JSON.stringify(a) === JSON.stringify(b)) return;
        const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
        if (depth < 2 && isObj(a) && isObj(b)) {
            for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) walk(a[k], b[k], prefix ? `${prefix}.${k}` : k, depth + 1);
            return;
        }
        out.push(prefix || "(inputs)");
    };
    walk(olds ?? {}, news ?? {}, "", 0);
    return out;
}

export async function previewPlan(target: StackTarget, pulumi: LocatedPulumi): Promise<PlanResult> {
    const t0 = performance.now();
    const steps: PlanStep[] = [];
    const violations: PolicyViolation[] = [];
    const onEvent = (e: EngineEvent): void => {
        const m = e.resourcePreEvent?.metadata;
        if (m && !["same", "read", "refresh", "discard", "remove-pending-replace"].includes(m.op)) {
            const diffs = m.diffs?.length ? m.diffs : changedInputs(m.old?.inputs, m.new?.inputs);
            steps.push({ op: m.op, type: m.type.replace("pulumi-nodejs:dynamic/", ""), name: m.urn.slice(m.urn.lastIndexOf("::") + 2), urn: m.urn, diffs });
        }
        const p = e.policyEvent;
        if (p) {
            violations.push({
                policy: p.policyName, enforcement: p.enforcementLevel, resource: p.resourceUrn ? p.resourceUrn.slice(p.resourceUrn.lastIndexOf("::") + 2) : "stack",
                message: p.message.trim().split("\n")[0] ?? "", unknown: /^\[unknown\] /m.test(p.message),
            });
        }
    };
    try {
        const stack = await selectStack(target, pulumi);
        await stack.preview({ policyPacks: [POLICY_PACK_DIR], onEvent, color: "never" });
        return { ok: true, steps, violations, ms: performance.now() - t0 };
    } catch (err) {
        const text = (err as Error).message;
        const line = text.split("\n").map((l) => l.trim()).find((l) => /^error:/i.test(l)) ?? text.split("\n")[0] ?? "preview failed";
        return { ok: false, steps, violations, ms: performance.now() - t0, ...(violations.some((v) => v.enforcement === "mandatory") ? {} : { error: line.slice(0, 400) }) };
    }
}

/** Whether the plan registers the webhook: launch hour's `up`, still to come. */
export function enablesWebhook(plan: readonly PlanStep[]): boolean {
    return plan.some((s) => s.op === "create" && /ChatwootWebhook/i.test(s.type));
}

/**
 * The project's dynamic providers are configured with the stack's whole config, so any config change shows as an
 * update of the default provider, naming the keys. Keys no resource reads (the human items' confirmations) change
 * nothing `up` would do.
 */
const CONFIG_NO_RESOURCE_READS = /^hotdash:readiness(\.|$)/;

function providerUpdateOf(step: PlanStep, keys: RegExp): boolean {
    return step.op === "update" && step.type.startsWith("pulumi:providers:") && step.diffs.length > 0 && step.diffs.every((d) => keys.test(d));
}

/** Whether a step changes nothing up would do: a provider picking up config no resource reads. */
export function isBookkeeping(step: PlanStep): boolean {
    return providerUpdateOf(step, CONFIG_NO_RESOURCE_READS);
}

/** Whether a step is part of enabling the webhook, given the whole plan. */
export function partOfEnablingWebhook(step: PlanStep, plan: readonly PlanStep[], agentApp: string): boolean {
    if (!enablesWebhook(plan)) return false;
    if (providerUpdateOf(step, /^hotdash:(webhooksEnabled$|readiness(\.|$))/)) return true;
    if (/^hotdash-chatwoot-webhook/.test(step.name)) return step.op === "create";
    if (step.op !== "update") return false;
    if (step.name === `${agentApp}-secrets` || step.name.startsWith(`${agentApp}-machines-`) || step.name === "hotdash-supabase-secrets") return true;
    return /LaunchFacts/.test(step.type) && step.diffs.length > 0 && step.diffs.every((d) => /webhook/i.test(d));
}

export function planFindings(plan: PlanResult, opts: { stack: string; agentApp: string; at: Date }): Finding[] {
    const out: Finding[] = [];
    const source = "pulumi preview --policy-pack policies";
    // what only the pending webhook's creation can tell (its secret at the receivers) is judged after launch hour's up
    const enabling = (v: PolicyViolation): boolean => v.unknown && plan.steps.some((s) => s.name === v.resource && partOfEnablingWebhook(s, plan.steps, opts.agentApp));
    const mandatory = plan.violations.filter((v) => v.enforcement === "mandatory" && !enabling(v));
    if (plan.error) {
        out.push(finding(POLICY_ITEM, "preview", "fail", `the preview failed: ${plan.error}`, { observed: "error", expected: "no mandatory violation", source, fix: `npx launch preview --stack ${opts.stack} --policy-pack policies` }, opts.at));
        out.push(finding(PLAN_ITEM, "preview", "unknown", "no plan: the preview failed", { observed: "no plan", expected: "no pending change but enabling the webhook", source }, opts.at));
        return out;
    }
    for (const v of plan.violations) {
        if (enabling(v)) {
            out.push(finding(POLICY_ITEM, `${v.policy} ${v.resource}`, "n/a", `${v.policy} ${v.resource}: known only once the pending \`up\` registers the webhook; run the go/no-go again after it`, { observed: "unknown until the webhook exists", expected: "no mandatory violation", source }, opts.at));
            continue;
        }
        out.push(finding(POLICY_ITEM, `${v.policy} ${v.resource}`, v.enforcement === "mandatory" ? "fail" : "pass", `${v.policy} (${v.enforcement}) ${v.resource}: ${v.message}`, { observed: "violation", expected: "no violation", source, fix: `npx launch policy --stack ${opts.stack} (lists each violation with its fix)` }, opts.at));
    }
    const advisory = plan.violations.filter((v) => v.enforcement !== "mandatory").length;
    if (!mandatory.length) out.push(finding(POLICY_ITEM, "policy pack", "pass", `the policy pack passes${advisory ? ` (${advisory} advisory)` : ""}`, { observed: `${mandatory.length} mandatory violations`, expected: "no mandatory violation", source }, opts.at));
    const counted = plan.steps.filter((s) => !isBookkeeping(s));
    const pending = counted.filter((s) => !partOfEnablingWebhook(s, plan.steps, opts.agentApp));
    const enablingSteps = counted.length - pending.length;
    const expected = "no pending change but enabling the webhook";
    for (const s of pending) {
        out.push(finding(PLAN_ITEM, s.name, "fail", `pending change: ${showStep(s)}`, { observed: showStep(s), expected, source, fix: `npx launch up --stack ${opts.stack} (then run the go/no-go again), or revert the config behind it` }, opts.at));
    }
    if (!pending.length) out.push(finding(PLAN_ITEM, "plan", "pass", enablingSteps ? `only enabling the webhook is pending (${enablingSteps} steps)` : "no pending change", { observed: enablingSteps ? `${enablingSteps} steps, all enabling the webhook` : "no change", expected, source }, opts.at));
    return out;
}
