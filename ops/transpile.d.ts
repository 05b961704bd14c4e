/** Where launch caches what it builds (the Pulumi toolchain, transpiled TypeScript). */
export function cacheRoot(env?: NodeJS.ProcessEnv): string;
/** What a run of the program keeps under the launch cache, by kind. */
export function programCaches(env?: NodeJS.ProcessEnv): { readonly typescript: string; readonly node: string; readonly providers: string };
/** Makes `require` of a .ts file run it, through the transpile cache. Idempotent. */
export function register(env?: NodeJS.ProcessEnv): void;
