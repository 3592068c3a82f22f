// Decides whether a build-context path is excluded by .dockerignore (Docker's rules: patterns are
// rooted at the context, `*` and `?` stay within a path segment, `**` spans segments, `!` re-includes,
// the last matching line wins, and excluding a folder excludes everything under it).

function patternToRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i += 1) {
    const char = pattern[i] ?? '';
    if (char === '*' && pattern[i + 1] === '*') {
      source += '.*';
      i += 1;
      if (pattern[i + 1] === '/') i += 1;
    } else if (char === '*') {
      source += '[^/]*';
    } else if (char === '?') {
      source += '[^/]';
    } else {
      source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`);
}

export function isDockerIgnored(path: string, dockerignore: string): boolean {
  const clean = path.replace(/^\.\//, '').replace(/\/+$/, '');
  const prefixes = clean.split('/').map((_, index, parts) => parts.slice(0, index + 1).join('/'));
  let ignored = false;
  for (const rawLine of dockerignore.split('\n')) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) continue;
    const negated = line.startsWith('!');
    const pattern = (negated ? line.slice(1) : line).replace(/^\/+/, '').replace(/\/+$/, '');
    const regex = patternToRegExp(pattern);
    if (prefixes.some((prefix) => regex.test(prefix))) ignored = !negated;
  }
  return ignored;
}
