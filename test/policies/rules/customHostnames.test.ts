import { strict as assert } from "node:assert";
import { TYPES } from "../../../policies/framework/stack";
import { customHostnames } from "../../../policies/rules/customHostnames";
import { editing, findings, leakedCanaries, outcome, passingStack, problems, UNKNOWN_SENTINEL, urn } from "../fixtures";

type Props = Record<string, Record<string, Record<string, unknown>>>;
const WEB = "hotdash-chatwoot-machines-web";

function withCustomHost() {
    return editing(passingStack(), WEB, (p) => { (p as Props)["config"]!["env"]!["FRONTEND_URL"] = "https://support.example.com"; });
}

function cert(hostname: unknown) {
    return { type: TYPES.FlyCertificate, name: "hotdash-chatwoot-cert", urn: urn(TYPES.FlyCertificate, "hotdash-chatwoot-cert"), props: { apiUrl: "https://api.machines.dev/v1", app: "hotdash-chatwoot", hostname } };
}

describe("policies/rules/customHostnames (HD-SSL-003)", () => {
    it("is n/a while every URL is on fly.dev", () => {
        assert.deepEqual(outcome(customHostnames, passingStack()), [["n/a", "no custom hostname: every public URL is on fly.dev, whose certificate Fly manages"]]);
    });

    it("passes a custom hostname with its certificate", () => {
        assert.deepEqual(outcome(customHostnames, [...withCustomHost(), cert("support.example.com")]), [["pass", "support.example.com: certificate declared (hotdash-chatwoot-cert)"]]);
    });

    it("fails a custom hostname without a certificate", () => {
        assert.deepEqual(problems(customHostnames, withCustomHost()), [["fail", "support.example.com: custom hostname (env FRONTEND_URL of hotdash-chatwoot-machines-web) has no Fly certificate"]]);
    });

    it("fails a certificate without a hostname", () => {
        assert.deepEqual(problems(customHostnames, [...passingStack(), cert("")]), [["fail", "hotdash-chatwoot-cert: certificate has no hostname"]]);
    });

    it("is unknown in preview", () => {
        assert.deepEqual(problems(customHostnames, [...withCustomHost(), cert(UNKNOWN_SENTINEL)]), [["unknown", "support.example.com: cannot check a certificate's hostname during preview (not known until apply)"]]);
        const env = editing(passingStack(), WEB, (p) => { (p as Props)["config"]!["env"] = UNKNOWN_SENTINEL as never; });
        assert.deepEqual(problems(customHostnames, env), [["unknown", "hotdash-chatwoot-machines-web: cannot check the machine config's env during preview (not known until apply)"]]);
    });

    it("never shows a secret's value", () => {
        assert.deepEqual(leakedCanaries(findings(customHostnames, withCustomHost())), []);
    });
});
