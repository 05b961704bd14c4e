import { strict as assert } from "node:assert";
import { UsageError } from "../../../ops/cli";
import { mmss, parseWatch, watch } from "../../../ops/status/watch";

describe("launch status --watch", () => {
    it("takes durations such as 30m, 8h, 24h, and refuses anything else with the fix", () => {
        assert.equal(parseWatch("30m"), 1_800_000);
        assert.equal(parseWatch("24h"), 86_400_000);
        assert.throws(() => parseWatch("1d"), (e: Error) => e instanceof UsageError && e.message === '--watch "1d" is not a duration such as 30m, 8h or 24h');
        assert.throws(() => parseWatch("0m"), (e: Error) => e instanceof UsageError && e.message === '--watch "0m" must be longer than 0, e.g. --watch 24h');
    });

    it("shows what is left as m:ss, or h:mm:ss from an hour", () => {
        assert.equal(mmss(1_800_000), "30:00");
        assert.equal(mmss(59_001), "1:00");
        assert.equal(mmss(5_000), "0:05");
        assert.equal(mmss(3_900_000), "1:05:00");
    });

    /** A run with an instant clock: what was printed and slept, in order. */
    async function run(durationMs: number, tty: boolean): Promise<{ events: string[]; n: number; slept: number }> {
        const events: string[] = [];
        let slept = 0;
        const n = await watch({
            durationMs, cadenceMs: 1_800_000, timeScale: 0.5,
            countdown: { tty, write: (t) => events.push(`write ${JSON.stringify(t)}`), out: (l) => events.push(`out ${l}`) },
            update: async (i) => { events.push(`update ${i}`); },
            sleep: async (ms) => { slept += ms; },
        });
        return { events, n, slept };
    }

    it("updates at 0 and every 30 minutes while within the duration: 2 in 30m, 3 in 1h, 1 in 29m", async () => {
        assert.equal((await run(1_800_000, false)).n, 2);
        assert.equal((await run(3_600_000, false)).n, 3);
        assert.equal((await run(1_740_000, false)).n, 1);
        assert.equal((await run(86_400_000, false)).n, 49, "T+0 to T+24h");
    });

    it("off a terminal prints a plain line per minute between updates; the waits shrink with the time scale", async () => {
        const { events, slept } = await run(1_800_000, false);
        assert.equal(events[0], "update 1");
        assert.deepEqual(events.slice(1, 4), ["out Next update in 30:00", "out Next update in 29:00", "out Next update in 28:00"]);
        assert.equal(events[30], "out Next update in 1:00");
        assert.equal(events[31], "update 2");
        assert.equal(events.length, 32);
        assert.equal(slept, 900_000, "30 minutes at time scale 0.5");
    });

    it("goes on after an update that failed, telling onError; without onError the failure ends the watch", async () => {
        const told: string[] = [];
        let calls = 0;
        const base = { durationMs: 3_600_000, cadenceMs: 1_800_000, countdown: { tty: false, write: () => undefined, out: () => undefined }, sleep: async () => undefined };
        const flaky = async (n: number): Promise<void> => { calls++; if (n === 2) throw new Error("Slack answered 500"); };
        assert.equal(await watch({ ...base, update: flaky, onError: (e, n) => told.push(`${n}: ${e.message}`) }), 3);
        assert.deepEqual([calls, told], [3, ["2: Slack answered 500"]]);
        await assert.rejects(watch({ ...base, update: flaky }), /Slack answered 500/);
    });

    it("on a terminal rewrites one countdown line every second and clears it before the update", async () => {
        const { events } = await run(1_800_000, true);
        assert.deepEqual(events.slice(0, 3), ["update 1", 'write "\\rNext update in 30:00 "', 'write "\\rNext update in 29:59 "']);
        assert.equal(events.length, 1 + 1800 + 1 + 1);
        assert.deepEqual(events.slice(-3), ['write "\\rNext update in 0:01 "', 'write "\\r\\u001b[2K"', "update 2"]);
    });
});
