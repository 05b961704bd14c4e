import { strict as assert } from "node:assert";
import { redactor, REDACTED } from "../../../policies/framework/redact";

describe("policies/framework/redact", () => {
    it("redacts a secret as written, JSON-escaped and XML-escaped, longest first", () => {
        const secret = `pa"ss<wo>rd&1`;
        const redact = redactor([secret, "pa", "abcdefgh", "abcdefghij"]);
        assert.equal(redact(`raw ${secret} json ${JSON.stringify(secret)} xml pa&quot;ss&lt;wo&gt;rd&amp;1`), `raw ${REDACTED} json "${REDACTED}" xml ${REDACTED}`);
        assert.equal(redact("abcdefghij and abcdefgh"), `${REDACTED} and ${REDACTED}`);
        assert.equal(redact("pa stays: too short to redact"), "pa stays: too short to redact");
    });
});
