/**
 * Reads values that Pulumi's passphrase secrets provider encrypted in a `Pulumi.<stack>.yaml`, so `launch` can check
 * a stack's config without the Pulumi CLI. The format is Pulumi's: `encryptionsalt: v1:<salt>:<check value>` and
 * `secure: v1:<nonce>:<ciphertext>`, AES-256-GCM under a key of PBKDF2-SHA256(passphrase, salt, 1,000,000 rounds).
 */
import { createDecipheriv, pbkdf2Sync } from "node:crypto";

/** A passphrase that does not open this stack's secrets. */
export class PassphraseError extends Error {
    override readonly name = "PassphraseError";
}

function open(key: Buffer, value: string): string {
    const [version, nonce, ciphertext] = value.split(":");
    if (version !== "v1" || !nonce || !ciphertext) throw new PassphraseError(`"${value.slice(0, 12)}..." is not a Pulumi passphrase ciphertext (v1:<nonce>:<ciphertext>)`);
    const sealed = Buffer.from(ciphertext, "base64");
    const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(nonce, "base64"));
    decipher.setAuthTag(sealed.subarray(sealed.length - 16));
    return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - 16)), decipher.final()]).toString("utf8");
}

/** A decrypter for the stack whose `encryptionsalt` is `salt`; throws PassphraseError for a wrong passphrase. */
export function passphraseDecrypter(salt: string, passphrase: string): (secure: string) => string {
    const [version, saltB64, ...check] = salt.split(":");
    if (version !== "v1" || !saltB64 || check.length !== 3) throw new PassphraseError("the stack's encryptionsalt is not Pulumi's v1:<salt>:<check> form");
    const key = pbkdf2Sync(passphrase, Buffer.from(saltB64, "base64"), 1_000_000, 32, "sha256");
    let ok = false;
    try {
        ok = open(key, check.join(":")) === "pulumi";
    } catch {
        ok = false;
    }
    if (!ok) throw new PassphraseError("the passphrase does not open this stack's secrets: set PULUMI_CONFIG_PASSPHRASE to the stack's passphrase");
    return (secure) => open(key, secure);
}
