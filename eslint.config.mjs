// Lint: typescript-eslint's recommended rules, plus the project's own few.
import tseslint from "typescript-eslint";

export default tseslint.config(
    { ignores: ["node_modules/**", ".sandbox/**", "reports/**"] },
    ...tseslint.configs.recommended,
    {
        rules: {
            // dynamic providers require undici and the vendor clients inside methods, so Pulumi's closure serializer
            // emits a require() instead of serializing the package by value
            "@typescript-eslint/no-require-imports": "off",
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", ignoreRestSiblings: true }],
            "no-console": ["error", { allow: ["error"] }],
            eqeqeq: ["error", "always"],
        },
    },
    {
        // command-line entry points, benchmarks, the sandbox and tests reporting measured figures print to stdout
        files: ["sandbox/main.ts", "ops/**", "bench/**", "test/**"],
        rules: { "no-console": "off" },
    },
);
