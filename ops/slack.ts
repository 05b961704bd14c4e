/**
 * The launch team's Slack: one POST of a text to the incoming webhook the stack keeps as `alertSlackWebhookUrl`.
 * Sent once (a POST is never repeated blindly: Slack would show it twice), and the URL, which is the credential,
 * never appears in an error.
 */
import { HttpClient } from "../providers/http";

export async function postToSlack(webhookUrl: string, text: string): Promise<void> {
    const url = new URL(webhookUrl);
    const http = new HttpClient({ vendor: "Slack incoming webhook", baseUrl: url.origin, retry: { attempts: 1 }, timeoutMs: 15_000 });
    await http.send({ method: "POST", path: url.pathname, body: { text }, secrets: [webhookUrl, url.pathname] });
}
