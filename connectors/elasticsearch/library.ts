// The official client, loaded when the first Elasticsearch source connects. It and undici beneath
// it cost ~30 MB of memory and a few hundred ms of start-up, which a server without an
// Elasticsearch source (the demo, most deployments) should not pay.
type Library = typeof import('@elastic/elasticsearch');

let loading: Promise<Library> | null = null;
let loaded: Library | null = null;

export function loadElasticsearchLibrary(): Promise<Library> {
  loading ??= import('@elastic/elasticsearch').then((library) => {
    loaded = library;
    return library;
  });
  return loading;
}

/**
 * The client's error classes once it has been loaded; null before, when nothing can have thrown
 * one (every call that could goes through a client made after the load).
 */
export function loadedErrorClasses(): Library['errors'] | null {
  return loaded?.errors ?? null;
}

/** Whether `error` is the client's ResponseError (the cluster answered with an error status). */
export function isResponseError(error: unknown): error is InstanceType<Library['errors']['ResponseError']> {
  const errors = loadedErrorClasses();
  return errors !== null && error instanceof errors.ResponseError;
}
