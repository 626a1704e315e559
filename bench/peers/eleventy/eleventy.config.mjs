// Eleventy 3 project config for the foyer benchmark (bench/peers.py copies this next to src/).
// Stories and members are plain Markdown files with YAML front matter; directory data files
// (stories/stories.11tydata.json, members/members.11tydata.json) give them `kind` and a layout.
const byDate = new Intl.DateTimeFormat("en-US", {year: "numeric", month: "long", day: "numeric",
                                                 timeZone: "UTC"});
const PER_PAGE = 10;

// Heading ids ("Part 1: friend" -> part-1-friend), as foyer, Hugo and Python-Markdown's toc do;
// Eleventy's markdown-it has none by default (markdown-it-anchor would be the usual plugin).
function headingIds(md) {
  md.core.ruler.push("heading_ids", (state) => {
    const seen = new Map();
    state.tokens.forEach((token, i) => {
      if (token.type !== "heading_open") return;
      const slug = state.tokens[i + 1].content.toLowerCase().trim()
        .replace(/[^\w\s-]/g, "").replace(/\s+/g, "-");
      const n = seen.get(slug) || 0;
      seen.set(slug, n + 1);
      token.attrSet("id", n ? `${slug}-${n}` : slug);
    });
  });
}

export default function (eleventyConfig) {
  const ofKind = (api, kind) => api.getAll().filter((item) => item.data.kind === kind);
  // Newest first; same date: file name descending (as foyer and Hugo's .ByDate.Reverse do).
  const newestFirst = (a, b) => b.date - a.date
    || (a.fileSlug < b.fileSlug ? 1 : a.fileSlug > b.fileSlug ? -1 : 0);

  eleventyConfig.addCollection("stories", (api) => ofKind(api, "story").sort(newestFirst));
  eleventyConfig.addCollection("members", (api) => ofKind(api, "member")
    .sort((a, b) => a.data.name.localeCompare(b.data.name)));
  eleventyConfig.addCollection("memberNames", (api) => Object.fromEntries(
    ofKind(api, "member").map((m) => [m.fileSlug, m.data.name])));
  eleventyConfig.addCollection("byMember", (api) => {
    const map = {};
    for (const story of ofKind(api, "story").sort(newestFirst)) {
      for (const m of story.data.members || []) (map[m] ||= []).push(story);
    }
    return map;
  });
  // One entry per tag page: {tag, number, total, items}, paginated by 10 (Eleventy has no
  // native two-level pagination, this is the documented recipe).
  eleventyConfig.addCollection("tagPages", (api) => {
    const byTag = new Map();
    for (const story of ofKind(api, "story").sort(newestFirst)) {
      for (const tag of story.data.tags || []) {
        if (!byTag.has(tag)) byTag.set(tag, []);
        byTag.get(tag).push(story);
      }
    }
    const pages = [];
    for (const tag of [...byTag.keys()].sort()) {
      const stories = byTag.get(tag);
      const total = Math.ceil(stories.length / PER_PAGE);
      for (let i = 0; i < total; i++) {
        pages.push({tag, number: i + 1, total, count: stories.length,
                    items: stories.slice(i * PER_PAGE, (i + 1) * PER_PAGE)});
      }
    }
    return pages;
  });

  eleventyConfig.amendLibrary("md", (md) => md.use(headingIds));
  eleventyConfig.addFilter("head", (items, n) => items.slice(0, n));
  eleventyConfig.addFilter("isoDate", (d) => d.toISOString().slice(0, 10));
  eleventyConfig.addFilter("longDate", (d) => byDate.format(d));
  eleventyConfig.addFilter("rfc822", (d) => d.toUTCString());

  return {
    dir: {includes: "_includes", data: "_data"},
    markdownTemplateEngine: false,   // foyer does not template Markdown bodies either
    htmlTemplateEngine: "njk",
  };
}
