// Document permissions for a wiki (DESIGN §7). Core MediaWiki has no per-page read rights, so the
// source's config maps namespaces and categories to principals; a page matching several rules
// must satisfy every one of them, a page matching none is readable by everyone who may use the source.
import { z } from 'zod';

const principalsSchema = z.array(z.string().trim().min(1).max(512)).max(1000);

export const wikiAclRuleSchema = z.union([
  z.object({ namespace: z.number().int().min(0).max(100_000), principals: principalsSchema }).strict(),
  z.object({ category: z.string().trim().min(1).max(255), principals: principalsSchema }).strict(),
]);

export type WikiAclRule = z.infer<typeof wikiAclRuleSchema>;

/** A category name as the wiki prints it, without its (possibly localised) namespace prefix. */
export function normalizeCategory(name: string): string {
  const bare = name.includes(':') ? name.slice(name.indexOf(':') + 1) : name;
  const spaced = bare.replace(/_/g, ' ').replace(/\s+/g, ' ').trim();
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

const admits = (rule: WikiAclRule, principals: readonly string[]): boolean => rule.principals.some((p) => principals.includes(p));

export class WikiAcl {
  readonly categories: string[];
  private readonly namespaceRules: WikiAclRule[];
  private readonly categoryRules: Array<{ category: string; rule: WikiAclRule }>;

  constructor(rules: readonly WikiAclRule[]) {
    this.namespaceRules = rules.filter((rule) => 'namespace' in rule);
    this.categoryRules = rules.flatMap((rule) => ('category' in rule ? [{ category: normalizeCategory(rule.category), rule }] : []));
    this.categories = [...new Set(this.categoryRules.map((entry) => entry.category))];
  }

  /** Whether any rule applies to a caller with these principals (null = a service caller). */
  enforcedFor(principals: readonly string[] | null | undefined): principals is readonly string[] {
    return principals !== null && principals !== undefined && (this.namespaceRules.length > 0 || this.categoryRules.length > 0);
  }

  /** The namespaces among `namespaces` whose rules admit the caller: the only ones searched. */
  readableNamespaces(namespaces: readonly number[], principals: readonly string[]): number[] {
    return namespaces.filter((ns) => this.namespaceRules.every((rule) => !('namespace' in rule) || rule.namespace !== ns || admits(rule, principals)));
  }

  /**
   * Whether the caller may read a page in `ns` with these categories (normalised names among
   * `this.categories`); `categories` null = unknown (the wiki cut the list short), which fails closed.
   */
  mayRead(ns: number | undefined, categories: readonly string[] | null, principals: readonly string[]): boolean {
    if (ns !== undefined && this.readableNamespaces([ns], principals).length === 0) return false;
    if (this.categoryRules.length === 0) return true;
    if (categories === null) return false;
    return this.categoryRules.every(({ category, rule }) => !categories.includes(category) || admits(rule, principals));
  }
}
