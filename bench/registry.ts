/** Every benchmark `npm run bench` runs, in order. Each returns its figures by name. */
import { httpOverhead } from "./http";

export interface Benchmark {
    readonly name: string;
    readonly description: string;
    run(): Promise<Record<string, number>>;
}

export const benchmarks: readonly Benchmark[] = [httpOverhead];
