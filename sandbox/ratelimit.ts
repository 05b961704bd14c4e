/**
 * The vendors' rate limiters: Fly's token buckets (per action, per machine or app) and Supabase's fixed minute
 * windows (per token and project). `timeScale` shrinks their clocks so tests run in milliseconds.
 */

export interface BucketSpec {
    /** Tokens added per second. */
    readonly perSecond: number;
    /** Bucket size. */
    readonly burst: number;
}

/** Token buckets keyed by any string. */
export class TokenBuckets {
    private readonly buckets: Record<string, { tokens: number; at: number } | undefined> = {};

    constructor(private readonly timeScale: number, private readonly now: () => number = Date.now) {}

    /** Takes a token for `key`; returns undefined when allowed, or the seconds until one is available. */
    take(key: string, spec: BucketSpec): number | undefined {
        const t = this.now();
        const b = this.buckets[key] ?? { tokens: spec.burst, at: t };
        const elapsedS = (t - b.at) / 1000 / this.timeScale;
        b.tokens = Math.min(spec.burst, b.tokens + elapsedS * spec.perSecond);
        b.at = t;
        this.buckets[key] = b;
        if (b.tokens >= 1) {
            b.tokens -= 1;
            return undefined;
        }
        return ((1 - b.tokens) / spec.perSecond) * this.timeScale;
    }

    reset(): void {
        for (const k of Object.keys(this.buckets)) delete this.buckets[k];
    }
}

export interface WindowState {
    readonly limit: number;
    readonly remaining: number;
    /** Seconds until the window resets (already scaled). */
    readonly resetSeconds: number;
    readonly allowed: boolean;
}

/** Fixed windows keyed by any string: `limit` requests per window, refused for the rest of it once spent. */
export class FixedWindows {
    private readonly windows: Record<string, { start: number; count: number } | undefined> = {};

    constructor(private readonly limit: number, private readonly windowSeconds: number, private readonly timeScale: number, private readonly now: () => number = Date.now) {}

    hit(key: string): WindowState {
        const t = this.now();
        const lengthMs = this.windowSeconds * 1000 * this.timeScale;
        let w = this.windows[key];
        if (!w || t - w.start >= lengthMs) {
            w = { start: t, count: 0 };
            this.windows[key] = w;
        }
        w.count++;
        const resetSeconds = Math.max(0, (w.start + lengthMs - t) / 1000);
        return { limit: this.limit, remaining: Math.max(0, this.limit - w.count), resetSeconds, allowed: w.count <= this.limit };
    }

    reset(): void {
        for (const k of Object.keys(this.windows)) delete this.windows[k];
    }
}

/** A seconds header value: whole seconds at real scale, fractions when a test shrinks time. */
export function secondsHeader(seconds: number, timeScale: number): string {
    return timeScale >= 1 ? String(Math.max(1, Math.ceil(seconds))) : seconds.toFixed(3);
}
