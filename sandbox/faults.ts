/**
 * Seeded fault injection for the sandbox servers: latency, chosen status codes and dropped connections, decided by a
 * PRNG so a failing run can be replayed from its seed. Faults hit before the request is handled (it never happened)
 * or after (it happened, but the client never hears so): the second kind is what makes blind POST retries unsafe.
 * An `echo` fault refuses the request with an error that quotes its body back, as some vendors' validation errors do:
 * it shows whether a secret sent in a body would reach an error message.
 */

export type FaultKind = "status" | "drop" | "latency" | "echo";

export interface FaultRule {
    readonly kind: FaultKind;
    /** Servers the rule applies to (`fly`, `supabase`, ...). Defaults to all. */
    readonly servers?: readonly string[];
    /** Methods the rule applies to. Defaults to all. */
    readonly methods?: readonly string[];
    /** Path filter. Defaults to every path. */
    readonly path?: RegExp;
    /** Probability per matching request, 0..1. Defaults to 1. */
    readonly rate?: number;
    /** Injections left before the rule retires. Defaults to unlimited. */
    readonly times?: number;
    /** Status code of a `status` fault (503 when unset) or an `echo` fault (422 when unset). */
    readonly status?: number;
    /** `Retry-After` seconds sent with a `status` fault. Defaults to none. */
    readonly retryAfterSeconds?: number;
    /** Delay of a `latency` fault, in milliseconds. */
    readonly latencyMs?: number;
    /** Before the handler runs (nothing happened) or after (it happened, the answer is lost). Defaults to before. */
    readonly phase?: "before" | "after";
}

export interface FaultPlan {
    readonly seed: number;
    readonly rules: readonly FaultRule[];
}

export interface FaultDecision {
    readonly latencyMs: number;
    readonly before?: FaultRule;
    readonly after?: FaultRule;
}

/** The vendor message of an `echo` fault: the request body as received, whole. */
export function echoMessage(rawBody: Buffer): string {
    return `invalid request body: ${rawBody.toString("utf8")}`;
}

/** mulberry32: small, fast, good enough to spread faults evenly and replay them from a seed. */
export function seededRandom(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

/**
 * A mix of the faults real vendors produce, hitting exactly `rate` of all requests: 429 and 5xx before handling,
 * dropped connections before and after, 503 after handling; Fly's wait endpoint also times out with 408.
 */
export function randomFaults(seed: number, rate: number, opts: { readonly servers?: readonly string[]; readonly retryAfterSeconds?: number } = {}): FaultPlan {
    const common = opts.servers ? { servers: opts.servers } : {};
    // shares of the faults every path gets (they sum to 1); Fly's wait endpoint also times out, on top of them
    const mix: readonly [number, FaultRule][] = [
        [0.15, { kind: "status", status: 408, path: /\/wait$/ }],
        [0.25, { kind: "status", status: 429, ...(opts.retryAfterSeconds !== undefined ? { retryAfterSeconds: opts.retryAfterSeconds } : {}) }],
        [0.1, { kind: "status", status: 500 }],
        [0.1, { kind: "status", status: 502 }],
        [0.15, { kind: "status", status: 503 }],
        [0.15, { kind: "drop" }],
        [0.15, { kind: "drop", phase: "after" }],
        [0.1, { kind: "status", status: 503, phase: "after" }],
    ];
    // Rules are tried in order and at most one fires per request, so each rule's rate is conditional on the ones
    // before it not firing: that makes the shares exact and the total exactly `rate` (more on wait, which has 408s).
    let used = 0;
    const rules = mix.map(([share, rule]) => {
        const target = share * rate;
        const conditional = target / (1 - used);
        if (!rule.path) used += target;
        return { ...rule, ...common, rate: conditional };
    });
    return { seed, rules };
}

/** The live fault state of a sandbox: a plan, its PRNG and what it injected. */
export class FaultInjector {
    private random: () => number = seededRandom(0);
    private rules: { rule: FaultRule; left: number }[] = [];
    /** Injections so far, by `kind[:status][@phase]`. */
    readonly injected: Record<string, number> = {};

    set(plan: FaultPlan): void {
        this.random = seededRandom(plan.seed);
        this.rules = plan.rules.map((rule) => ({ rule, left: rule.times ?? Infinity }));
        for (const k of Object.keys(this.injected)) delete this.injected[k];
    }

    clear(): void {
        this.set({ seed: 0, rules: [] });
    }

    get total(): number {
        return Object.values(this.injected).reduce((a, b) => a + b, 0);
    }

    /** Decides the faults for one request: latency, plus at most one status or drop fault. */
    decide(server: string, method: string, path: string): FaultDecision {
        let latencyMs = 0;
        let before: FaultRule | undefined;
        let after: FaultRule | undefined;
        for (const entry of this.rules) {
            const { rule } = entry;
            if (entry.left <= 0) continue;
            if (rule.servers && !rule.servers.includes(server)) continue;
            if (rule.methods && !rule.methods.includes(method)) continue;
            if (rule.path && !rule.path.test(path)) continue;
            const phase = rule.phase ?? "before";
            if (rule.kind !== "latency" && (before || after)) continue;
            if (this.random() >= (rule.rate ?? 1)) continue;
            entry.left--;
            const label = `${rule.kind}${rule.status ? `:${rule.status}` : ""}${phase === "after" ? "@after" : ""}`;
            this.injected[label] = (this.injected[label] ?? 0) + 1;
            if (rule.kind === "latency") latencyMs += rule.latencyMs ?? 0;
            else if (phase === "before") before = rule;
            else after = rule;
        }
        return { latencyMs, ...(before ? { before } : {}), ...(after ? { after } : {}) };
    }
}
