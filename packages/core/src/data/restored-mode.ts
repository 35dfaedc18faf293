import { z } from 'zod';

/** setuid (0o4000), setgid (0o2000) and sticky (0o1000): captured as they were, never restored unless asked. */
export const SPECIAL_MODE_BITS = 0o7000;

export interface MaterializeOptions {
  /**
   * Restore setuid, setgid and sticky bits as captured. Default false: they are
   * cleared, so reproducing a run never hands out a setuid program that some
   * captured directory happened to hold.
   */
  specialModes?: boolean;
}

export const MaterializeOptionsSchema = z.object({ specialModes: z.boolean().optional() }).strict();

/** The mode a restored file or directory gets for its captured `mode`. */
export function restoredMode(mode: number, options: MaterializeOptions = {}): number {
  return options.specialModes === true ? mode : mode & ~SPECIAL_MODE_BITS;
}
