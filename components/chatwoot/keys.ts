/**
 * `hotdash:chatwoot:Keys`: Chatwoot's own secrets, generated once and kept: `SECRET_KEY_BASE` (alphanumeric, as
 * Chatwoot's docs require) and the Active Record encryption keys that encrypt webhook secrets at rest. They are
 * secret outputs and never printed; changing `rotation` regenerates them.
 */
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";

export interface ChatwootKeysArgs {
    /** Bump to generate new keys (signs everyone out and needs re-encryption). Defaults to 0. */
    readonly rotation?: number;
}

/** Env name → length of each generated key. */
const KEYS: Readonly<Record<string, number>> = {
    SECRET_KEY_BASE: 128,
    ACTIVE_RECORD_ENCRYPTION_PRIMARY_KEY: 32,
    ACTIVE_RECORD_ENCRYPTION_DETERMINISTIC_KEY: 32,
    ACTIVE_RECORD_ENCRYPTION_KEY_DERIVATION_SALT: 32,
};

export class ChatwootKeys extends pulumi.ComponentResource {
    /** The keys by environment variable name, each a secret. */
    declare readonly env: pulumi.Output<Record<string, string>>;

    constructor(name: string, args: ChatwootKeysArgs = {}, opts?: pulumi.ComponentResourceOptions) {
        super("hotdash:chatwoot:Keys", name, { env: undefined }, opts);
        const keepers = { rotation: String(args.rotation ?? 0) };
        const values = Object.entries(KEYS).map(([envName, length]) => {
            const role = envName.toLowerCase().replace(/^active_record_encryption_/, "ar-").replace(/_/g, "-");
            const key = new random.RandomPassword(`${name}-${role}`, { length, special: false, keepers }, { parent: this });
            return key.result.apply((v) => [envName, v] as const);
        });
        this.env = pulumi.secret(pulumi.all(values).apply((entries) => Object.fromEntries(entries)));
        this.registerOutputs({ env: this.env });
    }
}
