/** Bundle a TypeScript entry of this package into one ES module Node 20 can run; resolves to its path. */
export function bundleForNode(entry: string, outDir: string, fileName: string): Promise<string>;
