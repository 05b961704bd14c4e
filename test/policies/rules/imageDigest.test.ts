import { strict as assert } from "node:assert";
import { imageDigest } from "../../../policies/rules/imageDigest";
import { editing, findings, leakedCanaries, outcome, passingStack, problems, UNKNOWN_SENTINEL } from "../fixtures";

const WEB = "hotdash-chatwoot-machines-web";
const image = (v: unknown) => editing(passingStack(), WEB, (p) => { (p["config"] as Record<string, unknown>)["image"] = v; });

describe("policies/rules/imageDigest (HD-IMG-001)", () => {
    it("passes images pinned by digest", () => {
        assert.deepEqual(outcome(imageDigest, passingStack())[2], ["pass", "hotdash-chatwoot-machines-web: image pinned by digest (sha256:aaaaaaaaaaaa…)"]);
        assert.equal(outcome(imageDigest, passingStack()).length, 5);
        assert.deepEqual(problems(imageDigest, passingStack()), []);
    });

    it("fails a tag, with the command that pins it", () => {
        const stack = image("chatwoot/chatwoot:v4.15.1");
        assert.deepEqual(problems(imageDigest, stack), [["fail", "hotdash-chatwoot-machines-web: image \"chatwoot/chatwoot:v4.15.1\" is not pinned by digest"]]);
        assert.equal(findings(imageDigest, stack)[2]!.fix, "pulumi config set --path hotdash:apps.chatwoot.image '<registry>/<repository>@sha256:<digest>' --stack prod");
    });

    it("fails a malformed digest and a missing image", () => {
        assert.deepEqual(problems(imageDigest, image("chatwoot/chatwoot@sha256:abc")), [["fail", "hotdash-chatwoot-machines-web: image \"chatwoot/chatwoot@sha256:abc\" is not pinned by digest"]]);
        assert.deepEqual(problems(imageDigest, image("")), [["fail", "hotdash-chatwoot-machines-web: no image is set"]]);
    });

    it("is unknown in preview", () => {
        assert.deepEqual(problems(imageDigest, image(UNKNOWN_SENTINEL)), [["unknown", "hotdash-chatwoot-machines-web: cannot check the image during preview (not known until apply)"]]);
    });

    it("never shows a secret's value", () => {
        assert.deepEqual(leakedCanaries(findings(imageDigest, image("x"))), []);
    });
});
