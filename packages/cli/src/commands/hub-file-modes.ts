/**
 * What a hub keeps — tokens, every project's log and objects — is for the hub's
 * user only: `ds serve` and `ds token` create their files 0600 and directories
 * 0700, whatever the shell's umask (the token file and the project directories
 * state their modes too; this covers every file the stores create inside them).
 */
export function keepHubFilesPrivate(): void {
  process.umask(0o077);
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/i;

/** A line for stderr when the hub would listen beyond this machine over plain HTTP, or undefined. */
export function plainHttpWarning(host: string): string | undefined {
  if (LOOPBACK.test(host)) return undefined;
  return (
    `warning: ds serve speaks plain HTTP; on ${host} bearer tokens and data cross the network unencrypted. ` +
    'Keep --host 127.0.0.1 and put a TLS-terminating proxy (Caddy, nginx) in front — see docs/hub.md "Exposing a hub".'
  );
}
