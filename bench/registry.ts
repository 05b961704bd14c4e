/** Every benchmark `npm run bench` runs, in order. Each returns its figures by name. */
import { flyBench } from "./fly";
import { httpOverhead } from "./http";
import { policyBench } from "./policy";
import { signatureVerify } from "./signature";

export interface Benchmark {
    readonly name: string;
    readonly description: string;
    run(): Promise<Record<string, number>>;
}

export const benchmarks: readonly Benchmark[] = [httpOverhead, signatureVerify, flyBench, policyBench];
