/**
 * Where a Chatwoot webhook secret rotation stands, read from the stack's checkpoint (`pulumi stack export`, secrets
 * left encrypted: only ids, URLs and which of the agent's Fly secrets hold equal values are read), and how `launch up` finishes one: it clears what a
 * killed run left behind (a stale lock, pending operations), runs `up`, and runs it again while the rotation is in
 * its overlap, since dropping the old secret is a second update of the receivers (components/chatwoot/webhook.ts).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { dynamicType } from "../providers/dynamic";
import { parseGenerationUrl } from "../providers/chatwoot/webhook";
import { PREVIOUS_WEBHOOK_SECRET_ENV, WEBHOOK_SECRET_ENV } from "../providers/chatwoot/signature";
import type { LocatedPulumi } from "./toolchain/locate";
import { staleLocks } from "./fileBackend";
import { readStackCheckpoint, stackCli, type StackTarget } from "./workspace";

/**
 * The phases in order. `requested`: the config asks for a generation not registered yet. `registered`: the new
 * webhook exists, dormant. `receivers-updated`: the agent service holds both secrets. `activated`: the new webhook
 * delivers messages too, both copies verify. `old-deleted`: only the new webhook is left; receivers still accept
 * the old secret until the next update. `steady`: one webhook, one secret. `off`: webhooks disabled.
 */
export const ROTATION_PHASES = ["off", "steady", "requested", "registered", "receivers-updated", "activated", "old-deleted"] as const;
export type RotationPhase = (typeof ROTATION_PHASES)[number];

const PHASE_TEXT: Readonly<Record<RotationPhase, string>> = {
    off: "webhooks are off",
    steady: "no rotation under way: one webhook, one secret",
    requested: "rotation requested: the new webhook is not registered yet",
    registered: "phase 1/4: the new webhook is registered (dormant); the receivers do not have its secret yet",
    "receivers-updated": "phase 2/4: the receivers accept both secrets; the new webhook is not subscribed yet",
    activated: "phase 3/4: both webhooks deliver, receivers drop the second copy; the old webhook is deleted next",
    "old-deleted": "phase 4/4: the old webhook is deleted; the receivers still accept the old secret until the next update",
};

export interface RotationStatus {
    readonly phase: RotationPhase;
    /** Generation of the newest registered webhook (-1 when none). */
    readonly generation: number;
    /** Webhook ids the stack still tracks, newest first. */
    readonly webhookIds: readonly number[];
    /** Operations a killed run left unfinished: `<operation> <resource name>`. */
    readonly pendingOperations: readonly string[];
}

/** Whether another `up` is needed to finish a rotation. */
export function rotationUnfinished(s: RotationStatus): boolean {
    return s.phase !== "off" && s.phase !== "steady";
}

/** One line for the operator, e.g. `webhook rotation to generation 2: phase 3/4: ...`. */
export function describeRotation(s: RotationStatus): string {
    const interrupted = s.pendingOperations.length ? ` (an interrupted run left ${s.pendingOperations.length} pending operation(s): ${s.pendingOperations.join(", ")})` : "";
    const where = s.generation >= 0 ? ` (generation ${s.generation}, webhook ${s.webhookIds.join(", ")})` : "";
    return `webhook rotation: ${PHASE_TEXT[s.phase]}${where}${interrupted}`;
}

interface CheckpointResource {
    readonly urn: string;
    readonly type: string;
    readonly delete?: boolean;
    readonly outputs?: Record<string, unknown>;
}

interface Checkpoint {
    readonly deployment?: {
        readonly resources?: readonly CheckpointResource[];
        readonly pending_operations?: readonly { readonly type: string; readonly resource: { readonly urn: string } }[];
    };
}

const nameOf = (urn: string): string => urn.slice(urn.lastIndexOf("::") + 2);

/** The rotation's phase from a checkpoint; `configGeneration` is `hotdash:webhookRotation` when webhooks are on. */
export function rotationStatus(checkpoint: unknown, configGeneration: number | undefined, agentApp = "hotdash-agent-service"): RotationStatus {
    const d = (checkpoint as Checkpoint).deployment ?? {};
    const resources = d.resources ?? [];
    const pendingOperations = (d.pending_operations ?? []).map((p) => `${p.type} ${nameOf(p.resource.urn)}`);
    const hooks = resources.filter((r) => r.type === dynamicType("ChatwootWebhook")).map((r) => ({
        live: !r.delete,
        id: Number(r.outputs?.["webhookId"] ?? 0),
        previousId: Number(r.outputs?.["previousWebhookId"] ?? 0),
        generation: parseGenerationUrl(String(r.outputs?.["url"] ?? "")).generation,
    })).sort((a, b) => b.generation - a.generation || b.id - a.id);
    const base = { pendingOperations, webhookIds: hooks.map((h) => h.id) };
    const current = hooks.find((h) => h.live);
    if (!current) return { ...base, phase: configGeneration === undefined ? "off" : "requested", generation: -1 };
    if (configGeneration !== undefined && configGeneration > current.generation) return { ...base, phase: "requested", generation: current.generation };
    const agentSecrets = resources.find((r) => r.type === dynamicType("FlySecrets") && !r.delete && r.outputs?.["app"] === agentApp);
    // the digests are secret in state: the plain names and equal-value groups tell whether the two secrets differ
    const names = (agentSecrets?.outputs?.["names"] ?? []) as readonly string[];
    const same = (agentSecrets?.outputs?.["sameValues"] ?? []) as readonly (readonly string[])[];
    const receiversOverlap = names.includes(PREVIOUS_WEBHOOK_SECRET_ENV) && names.includes(WEBHOOK_SECRET_ENV)
        && !same.some((g) => g.includes(PREVIOUS_WEBHOOK_SECRET_ENV) && g.includes(WEBHOOK_SECRET_ENV));
    const activation = resources.find((r) => r.type === dynamicType("ChatwootWebhookSubscriptions") && !r.delete);
    const older = hooks.some((h) => h !== current);
    let phase: RotationPhase;
    if (older) {
        if (!receiversOverlap) phase = "registered";
        else if (Number(activation?.outputs?.["webhookId"]) !== current.id) phase = "receivers-updated";
        else phase = "activated";
    } else {
        phase = receiversOverlap || current.previousId !== 0 ? "old-deleted" : "steady";
    }
    return { ...base, phase, generation: current.generation };
}

/** The stack's checkpoint and what repairs it, through the CLI (never `--show-secrets`). */
export interface StateAccess {
    exportCheckpoint(): Promise<unknown>;
    importCheckpoint(checkpoint: unknown): Promise<void>;
    /** `pulumi cancel`: removes the lock of an update that is not running any more. */
    cancel(): Promise<void>;
    /** Lock files of a file backend: whether one is held by a process of this machine that is gone. */
    staleLock(): boolean;
}

export function cliStateAccess(target: StackTarget, pulumi: LocatedPulumi): StateAccess {
    const cli = stackCli(target, pulumi);
    return {
        exportCheckpoint: () => readStackCheckpoint(target, pulumi),
        importCheckpoint: async (checkpoint) => {
            // ciphertext only: the export was made without --show-secrets
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hotdash-state-"));
            try {
                const file = path.join(dir, "checkpoint.json");
                fs.writeFileSync(file, JSON.stringify(checkpoint), { mode: 0o600 });
                await cli(["stack", "import", "--file", file]);
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        },
        cancel: async () => { await cli(["cancel", "--yes"]); },
        staleLock: () => staleLocks(target).length > 0,
    };
}

/**
 * Makes a stack a killed run left behind ready for `up`: removes a lock whose process is gone (`pulumi cancel`), and
 * clears pending operations (export, drop them, import). Clearing is safe for this stack's providers because every
 * create finds what an interrupted one made (webhooks by URL, machines by launch id) and every update and delete
 * can run twice; a replaced resource's old copy stays marked for deletion, so `up` still deletes it.
 */
export async function recoverInterrupted(access: StateAccess, out: (line: string) => void): Promise<void> {
    if (access.staleLock()) {
        out("an earlier update was killed and left the stack locked: removing its lock (pulumi cancel)");
        await access.cancel();
    }
    const checkpoint = (await access.exportCheckpoint()) as { deployment?: { pending_operations?: readonly { type: string; resource: { urn: string } }[] } };
    const pending = checkpoint.deployment?.pending_operations ?? [];
    if (!pending.length) return;
    out(`an earlier update was interrupted during ${pending.map((p) => `${p.type} ${nameOf(p.resource.urn)}`).join(", ")}: clearing those pending operations (stack export, import); this update finds what they did`);
    await access.importCheckpoint({ ...checkpoint, deployment: { ...checkpoint.deployment, pending_operations: [] } });
}

/**
 * `up` until the webhook rotation (if one is under way) is finished: at most three runs (a run killed before the old
 * webhook was deleted needs one to delete it and one to drop its secret). Reports the phase after each run.
 */
export async function upThroughRotation<R extends { readonly ok: boolean }>(
    up: () => Promise<R>, access: StateAccess, configGeneration: number | undefined, out: (line: string) => void,
): Promise<{ readonly runs: R[]; readonly status: RotationStatus }> {
    await recoverInterrupted(access, out);
    const runs: R[] = [];
    for (;;) {
        const r = await up();
        runs.push(r);
        const status = rotationStatus(await access.exportCheckpoint(), configGeneration);
        out(describeRotation(status));
        if (!r.ok || !rotationUnfinished(status) || runs.length >= 3) return { runs, status };
        out("running up again to finish the rotation");
    }
}
