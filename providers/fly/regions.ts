/**
 * Fly.io region codes where Machines can be placed, as Fly listed them in September 2026
 * (https://fly.io/docs/reference/regions/; `fly platform regions`). Older codes (bos, den, mad, sea, ...) were
 * retired in 2024-2025 and are refused. `bom` is deprecated by Fly but still placeable.
 */
export const FLY_REGIONS: readonly string[] = [
    "ams", "arn", "bom", "cdg", "dfw", "ewr", "fra", "gru", "iad",
    "jnb", "lax", "lhr", "nrt", "ord", "sin", "sjc", "syd", "yyz",
];
