/** SSL enforcement: what Supabase reports is recorded as `enforced`, the output HD-SSL-004 judges. */
import { strict as assert } from "node:assert";
import { type SslEnforcementInputs, type SslEnforcementOutputs, sslEnforcementProvider } from "../../../providers/supabase/sslEnforcement";
import { SANDBOX_CREDENTIALS as C } from "../../../sandbox/credentials";
import { rebuild, type Rebuilt } from "../../helpers/providers";
import { useSandbox } from "../../helpers/sandbox";

describe("providers/supabase/sslEnforcement", function () {
    this.timeout(30000);
    const sandbox = useSandbox({ timeScale: 0.01 });
    let p: Rebuilt<SslEnforcementInputs, SslEnforcementOutputs>;
    before(async () => {
        p = await rebuild(sslEnforcementProvider, { "hotdash:supabaseAccessToken": C.supabaseAccessToken });
    });
    const inputs = (): SslEnforcementInputs => ({ apiUrl: sandbox().urls.supabase, projectRef: C.supabaseProjectRef, enabled: true, waitSeconds: 5 });

    it("records enforced: true once Supabase reports it applied, and what a refresh finds after it was turned off", async () => {
        assert.equal(sandbox().supabase.project.ssl.current, false);
        const created = await p.create(inputs());
        assert.equal(created.outs!.enforced, true);
        assert.equal((await p.diff!(created.id, created.outs!, inputs())).changes, false);
        // someone turns it off in the dashboard
        sandbox().supabase.project.ssl.requested = false;
        sandbox().supabase.project.ssl.current = false;
        const read = await p.read!(created.id, created.outs!);
        assert.equal((read.props as SslEnforcementOutputs).enforced, false);
        assert.equal((await p.diff!(created.id, read.props as SslEnforcementOutputs, inputs())).changes, true, "the next up turns it back on");
    });

    it("a state recorded before `enforced` existed is updated to observe it", async () => {
        const { enforced: _e, ...old } = { ...inputs(), applied: true, enforced: true };
        assert.equal((await p.diff!("x", old as SslEnforcementOutputs, inputs())).changes, true);
    });
});
