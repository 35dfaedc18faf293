/**
 * A script annotated with the module-level API, ending in the way argv[2] names.
 * Bundled for Node by process-exit.test.ts and run in a temp project directory.
 */
import * as ds from '@dotscience/sdk';

const scenario = process.argv[2];

ds.start();
ds.parameter('lr', 0.1);
for (let i = 0; i < 1000; i++) ds.metric('loss', 1 / (i + 1), i);

switch (scenario) {
  case 'publish':
    await ds.publish('finished');
    console.log(`published ${ds.defaultClient().runId}`);
    break;
  case 'throw':
    setTimeout(() => {
      throw new Error('boom in a timer');
    }, 10);
    break;
  case 'throw-at-top-level':
    throw new TypeError('boom at the top level');
  case 'reject':
    void Promise.reject(new Error('async boom'));
    break;
  case 'forget':
    // the script simply ends without publish()
    break;
  case 'exit':
    await ds.flush();
    process.exit(3);
    break;
  case 'exit-at-once':
    process.exit(3);
    break;
  case 'killed-in-next-run':
    // The second run is noted in the file the first one's note used, its fdatasync still on the thread pool.
    await ds.publish('first');
    ds.start('second');
    console.log(`second ${ds.defaultClient().runId}`);
    process.kill(process.pid, 'SIGKILL');
    break;
  case 'signal':
    await ds.flush();
    setInterval(() => undefined, 1000);
    console.log('ready');
    break;
  case 'own-handler':
    process.on('uncaughtException', (error) => {
      console.log(`program handled: ${error.message}`);
      // The SDK's listener ran first and queued RunErrored; a program that exits on its own waits for the
      // SDK's writes (a fixed delay lost the race on a loaded machine, and the run was then errored by exit code).
      void ds.flush().then(() => process.exit(7));
    });
    setTimeout(() => {
      throw new Error('handled by the program');
    }, 10);
    break;
  default:
    throw new Error(`unknown scenario ${scenario}`);
}
