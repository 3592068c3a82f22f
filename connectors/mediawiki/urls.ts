// Recognises a wiki's own page URLs (`/wiki/Title`, `index.php?title=Title`, `index.php/Title`)
// and turns them back into the page title that serves as the native ID.

function titleFromPath(encoded: string): string | null {
  try {
    const title = decodeURIComponent(encoded).replace(/_/g, ' ').trim();
    return title === '' ? null : title;
  } catch {
    return null;
  }
}

/**
 * A matcher for URLs of the wiki whose API is at `apiUrl`. `articleUrl` is the wiki's article
 * URL pattern (`https://wiki.example.com/wiki/$1`) once known from siteinfo.
 */
export function wikiUrlMatcher(apiUrl: string, articleUrl: string | null): (url: string) => string | null {
  const api = new URL(apiUrl);
  const scriptDir = api.pathname.slice(0, api.pathname.lastIndexOf('/') + 1);
  const article = articleUrl === null ? null : new URL(articleUrl.replace('$1', '%01'));
  const articlePrefix = article === null ? null : article.pathname.slice(0, article.pathname.indexOf('%01'));
  return (url: string): string | null => {
    if (!URL.canParse(url)) return null;
    const parsed = new URL(url);
    const sameHost = parsed.host === api.host || (article !== null && parsed.host === article.host);
    if (!sameHost || !/^https?:$/.test(parsed.protocol)) return null;
    if (parsed.pathname === `${scriptDir}index.php`) {
      const title = parsed.searchParams.get('title');
      return title === null ? null : titleFromPath(encodeURIComponent(title));
    }
    if (parsed.pathname.startsWith(`${scriptDir}index.php/`)) {
      return titleFromPath(parsed.pathname.slice(`${scriptDir}index.php/`.length));
    }
    if (articlePrefix !== null && articlePrefix !== '' && articlePrefix !== '/' && parsed.pathname.startsWith(articlePrefix)) {
      return titleFromPath(parsed.pathname.slice(articlePrefix.length));
    }
    return null;
  };
}
