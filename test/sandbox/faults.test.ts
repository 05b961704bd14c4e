/** Seeded fault plans: the rate they promise, and the same faults again from the same seed. */
import { strict as assert } from "node:assert";
import { FaultInjector, randomFaults } from "../../sandbox/faults";

function sample(seed: number, rate: number, path: string, n = 20000): { share: number; labels: string[] } {
    const f = new FaultInjector();
    f.set(randomFaults(seed, rate));
    const labels: string[] = [];
    for (let i = 0; i < n; i++) {
        const d = f.decide("fly", "POST", path);
        const rule = d.before ?? d.after;
        labels.push(rule ? `${rule.kind}:${rule.status ?? ""}:${rule.phase ?? "before"}` : "");
    }
    return { share: labels.filter(Boolean).length / n, labels };
}

describe("sandbox fault plans", () => {
    it("fail the share of requests they promise, with every kind represented", () => {
        const { share, labels } = sample(1, 0.2, "/v1/apps/x/machines");
        assert.ok(Math.abs(share - 0.2) < 0.01, `share ${share}`);
        for (const kind of ["status:429:before", "status:503:after", "drop::before", "drop::after", "status:500:before"]) {
            assert.ok(labels.includes(kind), `${kind} never injected`);
        }
        assert.ok(!labels.includes("status:408:before"), "408 only on wait");
        assert.ok(sample(1, 0.2, "/v1/apps/x/machines/m/wait").labels.includes("status:408:before"));
    });

    it("replay exactly from a seed", () => {
        assert.deepEqual(sample(42, 0.3, "/v1/apps").labels, sample(42, 0.3, "/v1/apps").labels);
        assert.notDeepEqual(sample(42, 0.3, "/v1/apps").labels, sample(43, 0.3, "/v1/apps").labels);
    });
});
