/**
 * `launch status` as functions, for the command and for `launch rehearse`: prepare once (config, T-0 and secrets
 * from the stack), then read an update as often as wanted and post it to the alert channel's Slack webhook.
 */
import type { LaunchConfig, SecretName } from "../../components/config/types";
import { FLY_API_URL } from "../../components/monitoring/prometheus";
import { redact } from "../../providers/http";
import type { LocatedPulumi } from "../toolchain/locate";
import type { StackTarget } from "../workspace";
import { type Colour, evaluate, type Evaluation, type StatusMetrics, targetsFrom } from "./evaluate";
import { type MetricSources, readMetrics } from "./metrics";
import { renderUpdate } from "./render";
import { readStackFacts } from "./stackFacts";
import { postToSlack } from "../slack";

/** The checklist's "Continuous Monitoring: Every 30 minutes". */
export const CADENCE_MS = 30 * 60_000;

/** Without a T-0, the numbers cover this much time back. */
export const PRE_LAUNCH_WINDOW_MS = 60 * 60_000;

/** Machines API URLs that mean Fly itself: its metrics are then at api.fly.io. */
const FLY_MACHINES_API = "https://api.machines.dev";

/**
 * Fly's managed Prometheus for the org: `https://api.fly.io/prometheus/<org>` in production; a sandbox (or any other
 * Machines API URL) serves it at its own origin.
 */
export function flyPrometheusUrl(config: Pick<LaunchConfig, "fly">): string {
    const api = new URL(config.fly.apiUrl);
    const origin = api.origin === FLY_MACHINES_API ? FLY_API_URL : api.origin;
    return `${origin}/prometheus/${encodeURIComponent(config.fly.org)}`;
}

export interface StatusContext {
    readonly config: LaunchConfig;
    /** T-0; undefined before webhooks were enabled. */
    readonly launchedAt?: Date;
    readonly sources: MetricSources;
    /** The Slack incoming-webhook URL (secret). */
    readonly slackWebhookUrl: string;
    /** Every secret value the context holds: what no output may contain. */
    readonly secrets: readonly string[];
}

export interface PrepareOptions {
    /** A Prometheus to read instead of Fly's managed one: the stack's own (hotdash-monitor, through `fly proxy`), sent no token. */
    readonly prometheusUrl?: string;
    readonly env?: Readonly<Record<string, string | undefined>>;
}

export async function prepareStatus(config: LaunchConfig, target: StackTarget, pulumi: LocatedPulumi, opts: PrepareOptions = {}): Promise<StatusContext> {
    // the read-only metrics token where there is one; the sandbox has none, and an org token reads metrics too
    const token: SecretName | undefined = opts.prometheusUrl ? undefined : config.secrets.flyMetricsToken ? "flyMetricsToken" : "flyApiToken";
    const facts = await readStackFacts(config, target, pulumi, [...(token ? [token] : []), "supabaseServiceRoleKey", "alertSlackWebhookUrl"], opts.env);
    const s = facts.secrets;
    return {
        config,
        ...(facts.launchedAt ? { launchedAt: facts.launchedAt } : {}),
        sources: {
            prometheusUrl: opts.prometheusUrl ?? flyPrometheusUrl(config), ...(token ? { prometheusToken: s[token]! } : {}),
            supabaseUrl: config.supabase.url, serviceRoleKey: s.supabaseServiceRoleKey!,
        },
        slackWebhookUrl: s.alertSlackWebhookUrl!,
        secrets: Object.values(s).filter((v): v is string => !!v),
    };
}

export interface StatusUpdate {
    readonly at: Date;
    readonly colour: Colour;
    readonly metrics: StatusMetrics;
    readonly evaluation: Evaluation;
    /** The filled-in template. */
    readonly text: string;
}

/** Reads the numbers now and fills in the template; the next check is `cadenceMs` away. */
export async function readStatus(ctx: StatusContext, opts: { readonly now?: Date; readonly cadenceMs?: number } = {}): Promise<StatusUpdate> {
    const at = opts.now ?? new Date();
    const since = ctx.launchedAt ?? new Date(at.getTime() - PRE_LAUNCH_WINDOW_MS);
    const metrics = await readMetrics(ctx.sources, ctx.config.apps, since, at);
    const evaluation = evaluate(metrics, targetsFrom(ctx.config.monitoring));
    const before = ctx.launchedAt ? [] : [`Launch: webhooks are not enabled on stack ${ctx.config.stack} yet (no T-0); the numbers cover the last hour`];
    // no T-0 is missing data: at best yellow
    const colour = ctx.launchedAt || evaluation.colour === "red" ? evaluation.colour : "yellow";
    const withLaunch = { ...evaluation, colour, issues: [...before, ...evaluation.issues] };
    // the numbers and names come from vendors' answers: nothing the stack keeps secret may pass through
    const text = redact(renderUpdate({ evaluation: withLaunch, at, ...(ctx.launchedAt ? { launchedAt: ctx.launchedAt } : {}), nextCheck: new Date(at.getTime() + (opts.cadenceMs ?? CADENCE_MS)) }), ctx.secrets);
    return { at, colour, metrics, evaluation: withLaunch, text };
}

/** Posts the update to the Slack incoming webhook, once (a POST is never repeated blindly); errors name no URL. */
export async function postStatus(ctx: StatusContext, update: Pick<StatusUpdate, "text">): Promise<void> {
    await postToSlack(ctx.slackWebhookUrl, update.text);
}
