/** What a benchmark is: a name, what it measures, and a run that returns its figures by name. */
export interface Benchmark {
    readonly name: string;
    readonly description: string;
    run(): Promise<Record<string, number>>;
}
