/** Where launch caches what it builds (the Pulumi toolchain, transpiled TypeScript). */
export function cacheRoot(env?: NodeJS.ProcessEnv): string;
/** Makes `require` of a .ts file run it, through the transpile cache. Idempotent. */
export function register(env?: NodeJS.ProcessEnv): void;
