/**
 * Binding a server to a port. Invariant: bind failures become one-line StartupErrors that
 * say what to do (port in use, privileged port, address not on this machine); the returned
 * port is the one actually bound (useful with port 0).
 */
import type { Server } from 'node:net';
import { errorCode, StartupError } from './errors';

/** `flag` names the setting that chooses this port, e.g. `--port / PORT`. */
export function listen(server: Server, port: number, host: string, flag: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => {
      const code = errorCode(error);
      const where = `${host}:${port}`;
      if (code === 'EADDRINUSE') {
        reject(
          new StartupError(
            `Port ${port} is already in use: stop the other process or choose another port with ${flag}.`,
          ),
        );
      } else if (code === 'EACCES') {
        reject(new StartupError(`Not allowed to listen on ${where}: use a port above 1023 with ${flag}.`));
      } else if (code === 'EADDRNOTAVAIL') {
        reject(
          new StartupError(
            `Address ${host} is not on this machine: use --host / HOST with a local address or 0.0.0.0.`,
          ),
        );
      } else {
        reject(new StartupError(`Cannot listen on ${where} (${code}): check ${flag} and --host / HOST.`));
      }
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.removeListener('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : port);
    });
  });
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => resolve());
  });
}
