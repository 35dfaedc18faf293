import { describe, expect, it } from 'vitest';
import { ZfsDatasetNotFoundError, ZfsPermissionError, ZfsPoolNotFoundError, ZfsUnavailableError, zfsFailure } from '../src/index.js';

// What zfs/zpool print on stderr, as seen from zfs-fuse and OpenZFS; these run without a pool.
describe('classifying a failed zfs command', () => {
  const argv = ['zfs', 'get', '-H', '-o', 'value', 'type', 'tank/x'];

  it('given zfs-fuse without its daemon, then the error says to start the daemon', () => {
    const error = zfsFailure(
      argv,
      'connect: No such file or directory\nPlease make sure that the zfs-fuse daemon is running.\ninternal error: failed to initialize ZFS library\n',
    );
    expect(error).toBeInstanceOf(ZfsUnavailableError);
    expect(error.message).toMatch(/start the zfs-fuse daemon/);
    expect(error.message).toContain('zfs get -H -o value type tank/x');
  });

  it('given OpenZFS without its kernel module, then the error says to load it', () => {
    const error = zfsFailure(
      argv,
      "The ZFS modules are not loaded.\nTry running '/sbin/modprobe zfs' as root to load them.\n/dev/zfs and /proc/self/mounts are required.\n",
    );
    expect(error).toBeInstanceOf(ZfsUnavailableError);
    expect(error.message).toMatch(/modprobe zfs/);
  });

  it('given the other failures, then each gets its own typed error', () => {
    expect(zfsFailure(argv, "cannot open 'tank': no such pool\n")).toBeInstanceOf(ZfsPoolNotFoundError);
    expect(zfsFailure(argv, "cannot open 'tank/x': dataset does not exist\n")).toBeInstanceOf(ZfsDatasetNotFoundError);
    expect(zfsFailure(argv, 'cannot create snapshot: permission denied\n')).toBeInstanceOf(ZfsPermissionError);
    // zfs-fuse run by an unprivileged user: the daemon refuses the connection, then the library gives up.
    expect(zfsFailure(argv, 'connect: Permission denied\ninternal error: failed to initialize ZFS library\n')).toBeInstanceOf(ZfsPermissionError);
  });
});
