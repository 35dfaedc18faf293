import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { z } from 'zod';

/** The part of a notebook's metadata that names its kernel (nbformat 4: `metadata.kernelspec.name`, e.g. `python3`). */
const KernelMetadataSchema = z.object({ metadata: z.object({ kernelspec: z.object({ name: z.string().regex(/^[A-Za-z0-9._-]+$/) }) }) });

/** What a kernelspec's kernel.json says about how the kernel is started. */
const KernelSpecSchema = z.object({ argv: z.array(z.string()).min(1) });

/**
 * Where Jupyter looks for kernelspecs (jupyter_core's `jupyter_path('kernels')`), in its order:
 * JUPYTER_PATH, the user's data directory, then the system's.
 */
function kernelDirectories(env: Readonly<Record<string, string | undefined>>): string[] {
  const extra = (env['JUPYTER_PATH'] ?? '').split(delimiter).filter((dir) => dir !== '');
  const dataHome = env['XDG_DATA_HOME'] || join(env['HOME'] || homedir(), '.local', 'share');
  const user = env['JUPYTER_DATA_DIR'] || join(dataHome, 'jupyter');
  return [...extra, user, '/usr/local/share/jupyter', '/usr/share/jupyter'].map((dir) => join(dir, 'kernels'));
}

/**
 * The program a notebook's kernel runs (`argv[0]` of the kernelspec its metadata names, e.g.
 * `/usr/bin/python3`), so its runs are described by the kernel's interpreter and packages when
 * their blocks do not name it (the original library's); undefined when the notebook names no
 * kernel or no kernelspec of that name is installed here.
 */
export async function kernelProgram(notebook: unknown, env: Readonly<Record<string, string | undefined>> = process.env): Promise<string | undefined> {
  const named = KernelMetadataSchema.safeParse(notebook);
  if (!named.success) return undefined;
  const name = named.data.metadata.kernelspec.name.toLowerCase();
  for (const directory of kernelDirectories(env)) {
    let text: string;
    try {
      text = await readFile(join(directory, name, 'kernel.json'), 'utf8');
    } catch {
      continue;
    }
    try {
      const spec = KernelSpecSchema.safeParse(JSON.parse(text));
      if (spec.success) return spec.data.argv[0];
    } catch {
      // A kernel.json that is not JSON: Jupyter would not start it either; look on.
    }
  }
  return undefined;
}
