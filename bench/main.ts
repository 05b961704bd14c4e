/**
 * `npm run bench`: runs every benchmark and prints one `BENCH <name> <value>` line per figure. Figures are ratios
 * measured side by side in one run, so they compare across machines; `npm run bench -- <filter>` runs a subset.
 */
import { benchmarks } from "./registry";

async function main(): Promise<void> {
    const filter = process.argv[2];
    const chosen = benchmarks.filter((b) => !filter || b.name.includes(filter));
    if (chosen.length === 0) throw new Error(`no benchmark matches "${filter}"; known: ${benchmarks.map((b) => b.name).join(", ")}`);
    for (const bench of chosen) {
        console.log(`# ${bench.name}: ${bench.description}`);
        const t0 = Date.now();
        const figures = await bench.run();
        console.log(`# ${bench.name} took ${((Date.now() - t0) / 1000).toFixed(1)} s`);
        for (const [name, value] of Object.entries(figures)) console.log(`BENCH ${name} ${Number.isInteger(value) ? value : value.toFixed(3)}`);
    }
}

main().then(() => process.exit(0), (err: Error) => {
    console.error(`bench: ${err.stack ?? err.message}`);
    process.exit(1);
});
