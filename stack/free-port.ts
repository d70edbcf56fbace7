import net from 'node:net';

/**
 * Ports the OS reports free on `host` right now. All listeners stay open until every port is
 * known, so one call never hands out the same port twice. Another process can still take a
 * port before the caller binds it; callers pass it straight to the server they start.
 */
export async function findFreePorts(count: number, host = '127.0.0.1'): Promise<number[]> {
  const servers: net.Server[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < count; i++) {
      const server = net.createServer();
      servers.push(server);
      ports.push(await listenOnAnyPort(server, host));
    }
    return ports;
  } finally {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  }
}

export async function findFreePort(host = '127.0.0.1'): Promise<number> {
  const [port] = await findFreePorts(1, host);
  if (port === undefined) throw new Error('no free port found');
  return port;
}

function listenOnAnyPort(server: net.Server, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      if (address && typeof address === 'object') resolve(address.port);
      else reject(new Error(`could not read the port bound on ${host}`));
    });
  });
}

/**
 * Free ports within [from, to], tried from a random point in the range: for listeners whose port
 * is stored where ephemeral ports (32768 and up on Linux) do not fit, such as Temporal's membership
 * ports (a smallint column).
 */
export async function findFreePortsInRange(
  count: number,
  from: number,
  to: number,
  host = '127.0.0.1',
): Promise<number[]> {
  const span = to - from + 1;
  const offset = Math.floor(Math.random() * span);
  const servers: net.Server[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < span && ports.length < count; i++) {
      const port = from + ((offset + i) % span);
      const server = net.createServer();
      if (await listenOn(server, port, host)) {
        servers.push(server);
        ports.push(port);
      }
    }
    if (ports.length < count) throw new Error(`only ${ports.length} of ${count} ports free in ${from}-${to}`);
    return ports;
  } finally {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  }
}

function listenOn(server: net.Server, port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, host, () => resolve(true));
  });
}
