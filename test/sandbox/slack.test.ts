/** The Slack incoming webhook answers as Slack does: `ok` for a message, Slack's error strings for anything else. */
import { strict as assert } from "node:assert";
import { SLACK_WEBHOOK_PATH } from "../../sandbox/slack";
import { call, useSandbox } from "../helpers/sandbox";

describe("sandbox Slack incoming webhook", () => {
    const sandbox = useSandbox({ timeScale: 0.01 });
    const post = async (body: unknown, raw?: string) => {
        const { request } = await import("undici");
        const res = await request(`${sandbox().urls.slack}${SLACK_WEBHOOK_PATH}`, {
            method: "POST", headers: { "content-type": "application/json" }, body: raw ?? JSON.stringify(body),
        });
        return [res.statusCode, await res.body.text()];
    };

    it("posts a message with text, blocks or attachments and answers ok", async () => {
        assert.deepEqual(await post({ text: "launch alert" }), [200, "ok"]);
        assert.deepEqual(await post({ blocks: [{ type: "section", text: { type: "mrkdwn", text: "hi" } }] }), [200, "ok"]);
        assert.deepEqual(await post({ attachments: [{ fallback: "alert", title: "HighErrorRate" }] }), [200, "ok"]);
        assert.equal(sandbox().slack.messages.length, 3);
    });

    it("refuses what Slack refuses, with Slack's strings, and posts none of it", async () => {
        const cases: [unknown, string][] = [
            [{}, "no_text"],
            [{ text: "" }, "no_text"],
            [{ text: "   ", blocks: [] }, "no_text"],
            [{ text: 5 }, "invalid_payload"],
            [["text"], "invalid_payload"],
            ["just a string", "invalid_payload"],
            [{ attachments: "alert" }, "invalid_payload"],
            [{ blocks: "section" }, "invalid_blocks_format"],
            [{ blocks: [{ text: "no type" }] }, "invalid_blocks"],
        ];
        for (const [body, error] of cases) assert.deepEqual(await post(body), [400, error], JSON.stringify(body));
        assert.deepEqual(await post(undefined, "{not json"), [400, "invalid_payload"]);
        assert.deepEqual(sandbox().slack.messages, []);
    });

    it("answers no_service for a webhook URL that does not exist", async () => {
        const r = await call(`${sandbox().urls.slack}/services/T0HOTDASH/B0LAUNCH/wrong`, { method: "POST", body: { text: "x" } });
        assert.deepEqual([r.status, r.text], [404, "no_service"]);
    });
});
