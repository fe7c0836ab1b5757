import { createServer, type Server, type Socket } from 'node:net';

/**
 * The device side of the toy wire: a TCP server answering for units and their registers. A unit it
 * does not know stays silent (a dead device); a register it does not know is refused with `E 2`.
 */
export interface ToyDeviceServer {
  readonly port: number;
  /** Requests received, per "unit/register". */
  readonly asked: Map<string, number>;
  stop(): Promise<void>;
}

export async function startToyDeviceServer(units: ReadonlyMap<number, ReadonlyMap<number, number>>): Promise<ToyDeviceServer> {
  const asked = new Map<string, number>();
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let received = '';
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      for (let end = received.indexOf('\n'); end >= 0; end = received.indexOf('\n')) {
        const [, unit, register] = received.slice(0, end).split(' ').map(Number);
        received = received.slice(end + 1);
        asked.set(`${unit}/${register}`, (asked.get(`${unit}/${register}`) ?? 0) + 1);
        const registers = units.get(unit!);
        if (!registers) continue;
        const value = registers.get(register!);
        socket.write(value === undefined ? 'E 2\n' : `V ${value}\n`);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    asked,
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
