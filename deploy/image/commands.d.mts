// Types of commands.mjs, for the TypeScript that checks the image and the manifests.
export declare const COMMANDS: Readonly<Record<string, { entry: string; ops: boolean; about: string }>>;
export declare function usage(given: string | undefined): string;
export declare function commandOf(argv: readonly string[]): string | undefined;
