/** bench/fly: a deploy that did not put every machine on the new image fails the benchmark instead of timing it. */
import { strict as assert } from "node:assert";
import { requireDeployed } from "../../bench/fly";

const NEW = `registry.fly.io/bench@sha256:${"b".repeat(64)}`;
const OLD = `registry.fly.io/bench@sha256:${"a".repeat(64)}`;
const machine = (id: string, image: string, state = "started") => ({ id, state, config: { image } });

describe("bench/fly", () => {
    it("accepts a deploy that left every machine started on the new image", () => {
        requireDeployed([machine("m1", NEW), machine("m2", NEW), machine("m3", NEW)], NEW, 3);
    });

    it("fails on a machine left on the old image, one not started, or a missing machine", () => {
        assert.throws(() => requireDeployed([machine("m1", NEW), machine("m2", OLD), machine("m3", NEW)], NEW, 3), /1 not started on .*: m2 started registry.fly.io\/bench@sha256:a+$/);
        assert.throws(() => requireDeployed([machine("m1", NEW), machine("m2", NEW, "stopped"), machine("m3", NEW)], NEW, 3), /m2 stopped/);
        assert.throws(() => requireDeployed([machine("m1", NEW), machine("m2", NEW)], NEW, 3), /left 2 machines \(3 expected\)/);
    });
});
