/**
 * `--watch DURATION`: an update now and then every cadence until the duration is over, with a countdown to the next
 * one: rewritten in place every second on a terminal, a plain line per minute otherwise (CI logs, `tee`). A time
 * scale below 1 shrinks every wait (tests), while the countdown still shows checklist time.
 */
import { seconds } from "../../components/monitoring/rules";
import { UsageError } from "../cli";

/** Milliseconds of a `--watch` duration: `90m`, `8h`, `24h` (a Prometheus-style duration). */
export function parseWatch(value: string): number {
    let s: number;
    try {
        s = seconds(value);
    } catch {
        throw new UsageError(`--watch "${value}" is not a duration such as 30m, 8h or 24h`);
    }
    if (s <= 0) throw new UsageError(`--watch "${value}" must be longer than 0, e.g. --watch 24h`);
    return s * 1000;
}

/** `29:59`, or `1:05:00` from an hour up. */
export function mmss(ms: number): string {
    const total = Math.max(0, Math.ceil(ms / 1000));
    const h = Math.floor(total / 3600);
    const m = Math.floor((total % 3600) / 60);
    const s = total % 60;
    const two = (n: number): string => String(n).padStart(2, "0");
    return h ? `${h}:${two(m)}:${two(s)}` : `${m}:${two(s)}`;
}

export interface Countdown {
    /** Whether the output is a terminal. */
    readonly tty: boolean;
    /** Raw text to the terminal (no newline added). */
    write(text: string): void;
    /** One line. */
    out(line: string): void;
}

export interface WatchOptions {
    /** How long to keep watching, in checklist time. */
    readonly durationMs: number;
    /** Time between updates, in checklist time. Defaults to the checklist's 30 minutes. */
    readonly cadenceMs: number;
    /** Real time per checklist time. Defaults to 1. */
    readonly timeScale?: number;
    readonly countdown: Countdown;
    /** One update; its number counts from 1. */
    update(n: number): Promise<void>;
    /** Told about an update that failed; the watch goes on (a Slack outage must not end a 24-hour watch). Defaults to rethrowing. */
    readonly onError?: (err: Error, n: number) => void;
    /** Defaults to a timer. */
    readonly sleep?: (ms: number) => Promise<void>;
}

/** Runs the updates at 0, one cadence, two, ... while within the duration; resolves to the number of updates. */
export async function watch(opts: WatchOptions): Promise<number> {
    const scale = opts.timeScale ?? 1;
    const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    let n = 0;
    for (let next = 0; next <= opts.durationMs; next += opts.cadenceMs) {
        if (n > 0) await countdown(opts.cadenceMs, scale, opts.countdown, sleep);
        try {
            await opts.update(++n);
        } catch (err) {
            if (!opts.onError) throw err;
            opts.onError(err as Error, n);
        }
    }
    return n;
}

/** Waits `ms` of checklist time, showing what is left. */
async function countdown(ms: number, scale: number, c: Countdown, sleep: (ms: number) => Promise<void>): Promise<void> {
    const tick = c.tty ? 1000 : 60_000;
    for (let left = ms; left > 0; left -= tick) {
        if (c.tty) c.write(`\rNext update in ${mmss(left)} `);
        else c.out(`Next update in ${mmss(left)}`);
        await sleep(Math.min(tick, left) * scale);
    }
    if (c.tty) c.write("\r\x1b[2K"); // clear the countdown line before the update prints
}
