import Fastify from 'fastify';

/** The reference: a bare Fastify hello-world, measured in the same run as Ponte. */
const app = Fastify({ logger: false });
app.get('/', async () => ({ hello: 'world' }));
app.post('/', async () => ({ hello: 'world' }));
void app.listen({ port: Number(process.argv[2]), host: '127.0.0.1' });
