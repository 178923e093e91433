import { Cluster, type ClusterNode, Redis, type RedisOptions } from "ioredis";

/**
 * Where Redis is: one server (`redisUrl`), or a Redis Cluster (`clusterNodes`, some of its nodes;
 * the rest are discovered). Every Redis connection of the project is made by
 * {@link createRedisClient} from one of these, so that a deployment moves from one server to a
 * cluster by setting REDIS_CLUSTER_NODES and nothing else.
 *
 * On a cluster every key of one multi-key command or script must hash to one slot. The project
 * keeps all its keys under the queue prefix, and a hash-tagged prefix (`{vpa}`: only the part in
 * braces is hashed) puts them all in one slot: BullMQ's scripts, the rate limiter's script and the
 * schedule lock then run on a cluster unchanged. The price: one prefix lives on one master, so
 * spread load over masters with several prefixes (deployments), not within one.
 */
export interface RedisTarget {
  readonly redisUrl: string;
  /** `host:port` (or `redis://[user:password@]host:port`) of cluster nodes; empty or absent: not a cluster. */
  readonly clusterNodes?: readonly string[];
}

export type RedisClient = Redis | Cluster;

/** Whether this target is a Redis Cluster. */
export function isClusterTarget(target: RedisTarget): boolean {
  return (target.clusterNodes?.length ?? 0) > 0;
}

/** `host:port` or a redis URL, as ioredis' cluster start-up node, with its credentials and TLS. */
function clusterNodeOf(entry: string): { node: ClusterNode; auth: Partial<RedisOptions> } {
  const url = new URL(entry.includes("://") ? entry : `redis://${entry}`);
  const auth: Partial<RedisOptions> = {};
  if (url.username !== "") auth.username = decodeURIComponent(url.username);
  if (url.password !== "") auth.password = decodeURIComponent(url.password);
  if (url.protocol === "rediss:") auth.tls = {};
  return { node: { host: url.hostname, port: Number(url.port || 6379) }, auth };
}

/**
 * One Redis connection with these ioredis options, to the server or to the cluster. For a
 * cluster, options that are the cluster's own in ioredis (`lazyConnect`, `enableOfflineQueue`,
 * `retryStrategy` as `clusterRetryStrategy`) are moved there; the rest apply to each node's
 * connection. Credentials and TLS of the cluster come from its first node's URL.
 */
export function createRedisClient(target: RedisTarget, options: RedisOptions = {}): RedisClient {
  if (!isClusterTarget(target)) return new Redis(target.redisUrl, options);
  const nodes = (target.clusterNodes ?? []).map(clusterNodeOf);
  const { lazyConnect, enableOfflineQueue, retryStrategy, ...nodeOptions } = options;
  return new Cluster(
    nodes.map(({ node }) => node),
    {
      redisOptions: { ...nodes[0]?.auth, ...nodeOptions },
      ...(lazyConnect === undefined ? {} : { lazyConnect }),
      ...(enableOfflineQueue === undefined ? {} : { enableOfflineQueue }),
      ...(typeof retryStrategy === "function"
        ? { clusterRetryStrategy: (times: number) => retryStrategy(times) }
        : {}),
      // A failover moves slots: follow MOVED/ASK and retry while the replica takes over
      // (cluster-node-timeout plus the election: ~5 s with the tests' 3 s, ~17 s with Redis's
      // default 15 s). Until then the other nodes still answer MOVED to the dead master, whose
      // connection then closes: two redirections per round, and ioredis batches the delayed
      // retries, so 32 redirections were spent 1.5-4 s after a kill ("Too many Cluster
      // redirections"), before the replica took over; the command then failed, and a worker
      // re-ran a job whose work was done. A delayed MOVED and a larger count let a command
      // wait out a failover (80 rounds of 100-300 ms: roughly 10-25 s).
      retryDelayOnFailover: 200,
      retryDelayOnClusterDown: 300,
      retryDelayOnTryAgain: 200,
      retryDelayOnMoved: 100,
      maxRedirections: 160,
      slotsRefreshTimeout: 2_000,
      // No ready check (CLUSTER INFO after each connect). While a master is down it fails
      // (cluster_state:fail, or the INFO lands on the dead node), and ioredis then reconnects
      // without ever settling the promise of the connect() that ran it (ioredis#709, still so
      // in 6.0). BullMQ awaits that promise with no time-out when it resets a worker's blocking
      // connection, so the worker stopped fetching for good: a delayed job was never promoted
      // and close() hung. Without the check connect() settles on the first slot map (or on
      // close), and a command sent while the cluster is down gets CLUSTERDOWN, retried as above.
      enableReadyCheck: false,
    },
  );
}

/**
 * Every key matching a SCAN pattern. On a cluster SCAN sees one node only, so each master is
 * scanned (replicas hold copies). With a hash-tagged prefix all matches live on one master, but
 * which one is the cluster's business.
 */
export async function scanKeys(client: RedisClient, pattern: string, count = 500): Promise<string[]> {
  // A lazy cluster knows no nodes before its first connect.
  if (client instanceof Cluster && client.status === "wait") await client.connect();
  const nodes: Redis[] = client instanceof Cluster ? client.nodes("master") : [client];
  const found: string[] = [];
  for (const node of nodes) {
    let cursor = "0";
    do {
      const [next, keys] = await node.scan(cursor, "MATCH", pattern, "COUNT", count);
      cursor = next;
      found.push(...keys);
    } while (cursor !== "0");
  }
  return found;
}

/** A SCAN MATCH pattern for every key under `prefix:` (glob characters in the prefix escaped). */
export function prefixPattern(prefix: string): string {
  return `${prefix.replace(/[*?[\]\\]/g, "\\$&")}:*`;
}
