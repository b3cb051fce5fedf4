import { createHash } from 'node:crypto';

/**
 * The site's only stylesheet, kept in a module (not a .css file) so the TypeScript build carries it to dist/
 * without a copy step. Served from /assets/site.css with a content-hash query for long caching.
 * No JavaScript and no inline styles anywhere: the Content-Security-Policy forbids both.
 */
export const SITE_CSS = `
:root{--fg:#1d2330;--muted:#5b6475;--bg:#fff;--soft:#f4f6f9;--line:#d9dee7;--accent:#0b5cad;--mark:#ffe58a;
--ok:#176b35;--okbg:#e3f4e8;--warn:#7a4b00;--warnbg:#fff1d6;--bad:#8a1c1c;--badbg:#fbe4e4;--neutral:#475063;--neutralbg:#eceff4}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;color:var(--fg);background:var(--bg);line-height:1.6;
font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"PingFang SC","Hiragino Sans GB","Microsoft YaHei","WenQuanYi Micro Hei","Noto Sans CJK SC","Source Han Sans SC",sans-serif}
a{color:var(--accent)}
a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible{outline:3px solid #7fb0e6;outline-offset:1px}
.skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:#fff;padding:4px 8px;z-index:2}
header.site{background:var(--soft);border-bottom:1px solid var(--line);padding:.5rem 0}
header.site .bar{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 1.5rem;max-width:72rem;margin:0 auto;padding:0 1rem}
.brand{font-weight:700;font-size:1.25rem;text-decoration:none;color:var(--fg)}
header.site nav{display:flex;flex-wrap:wrap;gap:.25rem 1rem}
header.site nav a{text-decoration:none}
header.site nav a.lang{border:1px solid var(--line);border-radius:4px;padding:0 .5rem;background:#fff}
.hsearch,.bigsearch{display:flex;gap:.5rem;max-width:72rem;margin:.5rem auto 0}
.hsearch{padding:0 1rem}
.hsearch input,.bigsearch input{flex:1;min-width:0;font:inherit;padding:.4rem .6rem;border:1px solid var(--line);border-radius:4px}
.bigsearch input{font-size:1.15rem;padding:.6rem .8rem}
button{font:inherit;padding:.4rem 1rem;border:1px solid var(--accent);background:var(--accent);color:#fff;border-radius:4px;cursor:pointer}
select,.filters input{font:inherit;padding:.3rem;border:1px solid var(--line);border-radius:4px;max-width:100%}
main{max-width:72rem;margin:0 auto;padding:1rem}
footer.site{border-top:1px solid var(--line);color:var(--muted);font-size:.875rem;padding:1rem;text-align:center}
h1{font-size:1.6rem;line-height:1.3;margin:.5rem 0 1rem}
h2{font-size:1.2rem;margin:1.5rem 0 .5rem;border-bottom:1px solid var(--line);padding-bottom:.25rem}
h3{font-size:1rem;margin:1rem 0 .25rem}
.muted,.crumbs,.meta{color:var(--muted)}
.crumbs ol{list-style:none;padding:0;margin:0 0 .5rem;display:flex;flex-wrap:wrap;font-size:.9rem}
.crumbs li+li::before{content:"›";padding:0 .4rem}
.badge{display:inline-block;font-size:.8rem;line-height:1.4;padding:0 .45rem;border-radius:3px;white-space:nowrap;background:var(--neutralbg);color:var(--neutral);vertical-align:middle}
.badge.current{background:var(--okbg);color:var(--ok)}
.badge.to-be-implemented,.badge.draft,.badge.under-development{background:var(--warnbg);color:var(--warn)}
.badge.replaced,.badge.abolished,.badge.withdrawn,.badge.obsoleted,.badge.cancelled{background:var(--badbg);color:var(--bad)}
mark{background:var(--mark);color:inherit;padding:0 .05em}
.layout{display:grid;grid-template-columns:15rem 1fr;gap:1.5rem}
@media (max-width:48rem){.layout{grid-template-columns:1fr}.facets{order:2}}
.facets h3{font-size:.95rem;margin-top:1rem}
.facets ul{list-style:none;padding:0;margin:0}
.facets li a{text-decoration:none;display:flex;justify-content:space-between;gap:.5rem}
.facets li a.on{font-weight:700}
.facets li a.on::before{content:"✓ "}
.count{color:var(--muted);font-variant-numeric:tabular-nums}
.filters{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end;margin:.5rem 0}
.filters label{display:flex;flex-direction:column;font-size:.85rem;color:var(--muted)}
.filters input{width:6rem}
.chips{display:flex;flex-wrap:wrap;gap:.4rem;list-style:none;padding:0;margin:.5rem 0}
.chips a{display:inline-block;border:1px solid var(--line);border-radius:999px;padding:0 .6rem;text-decoration:none;font-size:.9rem}
.chips a::after{content:" ×"}
ol.hits{list-style:none;padding:0;margin:0}
.hit{padding:.75rem 0;border-bottom:1px solid var(--line)}
.hit .num{font-weight:700;margin-right:.5rem}
.hit .t{margin:.15rem 0}
.hit .t2{color:var(--muted);font-size:.9rem;margin:0}
.lineage{font-size:.9rem;margin:.25rem 0 0}
.pager{display:flex;flex-wrap:wrap;gap:.4rem;align-items:center;margin:1rem 0}
.pager a,.pager span{padding:.1rem .6rem;border:1px solid var(--line);border-radius:4px;text-decoration:none}
.pager [aria-current]{background:var(--accent);color:#fff;border-color:var(--accent)}
dl.fields{display:grid;grid-template-columns:minmax(8rem,14rem) 1fr;gap:.35rem 1rem;margin:0}
dl.fields dt{color:var(--muted)}
dl.fields dd{margin:0;overflow-wrap:anywhere}
@media (max-width:36rem){dl.fields{grid-template-columns:1fr}dl.fields dd{margin-bottom:.5rem}}
ol.timeline{list-style:none;padding:0;margin:0;border-left:3px solid var(--line)}
ol.timeline li{position:relative;padding:0 0 .6rem 1rem}
ol.timeline li::before{content:"";position:absolute;left:-.45rem;top:.5rem;width:.6rem;height:.6rem;border-radius:50%;background:var(--accent)}
ol.timeline li.future::before{background:#fff;border:2px solid var(--accent)}
ol.timeline time{font-variant-numeric:tabular-nums;font-weight:600;margin-right:.5rem}
ul.plain{list-style:none;padding:0;margin:0}
ul.plain li{padding:.2rem 0}
.cols{display:grid;grid-template-columns:repeat(auto-fit,minmax(16rem,1fr));gap:0 1.5rem}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid var(--line)}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.tree li{padding:.25rem 0;display:flex;gap:.75rem;align-items:baseline}
.tree .code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;min-width:6rem}
.tree .label{flex:1}
.abstract{white-space:pre-line}
svg.chart{width:100%;height:auto;max-width:48rem;display:block;margin:.5rem 0}
svg.chart .s0{fill:#0b5cad}
svg.chart .s1{fill:#e08a00}
svg.chart .s2{fill:#4c9a2a}
svg.chart .grid{stroke:var(--line);stroke-width:1}
svg.chart .axis{font-size:11px;fill:currentColor}
.stats-top ol{padding-left:1.5rem}
.stats-top li{padding:.15rem 0}
.stats-top .n{float:right;font-variant-numeric:tabular-nums}
/* reader (src/web/views/reader*.ts) */
.rhead h1{margin:.2rem 0 .5rem;font-size:1.5rem;line-height:1.3}.rnum{margin:0;color:var(--muted)}
.rtools{display:flex;flex-wrap:wrap;gap:.5rem 1.5rem;padding:.4rem 0;border-bottom:1px solid var(--line);margin-bottom:1rem;font-size:.95rem}
.rtools a,.rtools span[aria-current]{margin-left:.4rem}.rtools span[aria-current]{font-weight:600}.muted{color:var(--muted)}
.rgrid{display:grid;grid-template-columns:minmax(0,1fr);gap:1.5rem}
@media (min-width:60rem){.rgrid{grid-template-columns:16rem minmax(0,1fr)}.rgrid .toc{position:sticky;top:.5rem;align-self:start;max-height:95vh;overflow:auto}}
.toc ol{list-style:none;margin:0;padding-left:.9rem}.toc>details>ol{padding-left:0}.toc li{margin:.15rem 0}.toc a{text-decoration:none}
.toc summary{font-weight:600;cursor:pointer}
.rtext{max-width:46rem;overflow-wrap:break-word}.rtext section{scroll-margin-top:.5rem}
.rtext h2,.rtext h3,.rtext h4,.rtext h5,.rtext h6{line-height:1.35;margin:1.4rem 0 .4rem}
.snum{font-variant-numeric:tabular-nums;margin-right:.3rem}
.plink{text-decoration:none;color:var(--line);font-weight:400}.plink:hover,.plink:focus{color:var(--accent)}
details.cite{font-size:.85rem;color:var(--muted);margin:-.2rem 0 .5rem}details.cite summary{cursor:pointer;display:inline}
details.cite input{display:block;width:100%;font:inherit;padding:.2rem .4rem;border:1px solid var(--line);border-radius:4px;margin-top:.2rem}
.note,.example{border-left:3px solid var(--line);background:var(--soft);padding:.3rem .8rem;margin:.6rem 0;font-size:.95rem}
.example{border-left-color:#9bb8d6}.nlabel{font-weight:600;margin-right:.3rem}.note>p:first-of-type,.example>p:first-of-type{display:inline}
.term{margin:.8rem 0;padding-left:.2rem}.tnum{display:block;font-weight:600}.term dfn{font-style:normal;font-weight:700}
.syn,.dep{display:block}.dep{color:var(--muted)}.def p{margin:.2rem 0}.tsource{color:var(--muted);font-size:.9rem}
abbr.termref,.termref abbr{text-decoration:underline dotted;cursor:help}a.termref{color:inherit}
.rtext pre{overflow-x:auto;background:var(--soft);padding:.6rem;font-size:.85rem;line-height:1.35;white-space:pre}
.rtext figure{margin:1rem 0}.rtext figcaption{font-size:.95rem;margin-bottom:.3rem}.tscroll{overflow-x:auto}
.rtext table{border-collapse:collapse;font-size:.92rem}.rtext th,.rtext td{border:1px solid var(--line);vertical-align:top}
.al-center{text-align:center}.al-right{text-align:right}.formula{display:flex;justify-content:center;gap:2rem;margin:.8rem 0}
.ref .rlabel{font-weight:600}.fn small{font-size:.8rem}
.ctx{list-style:none;padding:0;margin:.5rem 0;color:var(--muted)}.ctx li{display:inline}.ctx li+li::before{content:" › "}
.cnav{display:flex;flex-wrap:wrap;justify-content:space-between;gap:.5rem;margin:.8rem 0;font-size:.95rem}
.brow{display:grid;grid-template-columns:minmax(0,1fr);gap:.2rem 1.5rem;border-top:1px solid var(--line);padding:.4rem 0}
@media (min-width:48rem){.brow{grid-template-columns:minmax(0,1fr) minmax(0,1fr)}}.bhead{font-weight:600}.bcol{overflow-wrap:break-word}
.reason{background:var(--warnbg);color:var(--warn);padding:.6rem .8rem;border-radius:4px}
.tabs{display:flex;flex-wrap:wrap;gap:.25rem;border-bottom:1px solid var(--line);margin:.6rem 0 1rem}.tabs a{padding:.35rem .8rem;text-decoration:none;border:1px solid transparent;border-bottom:none;border-radius:4px 4px 0 0}.tabs a[aria-current=page]{border-color:var(--line);background:#fff;font-weight:600}
form.stack{display:grid;gap:.7rem;max-width:40rem}form.stack label{display:grid;gap:.2rem;font-weight:600}form.stack input,form.stack select,form.stack textarea{font:inherit;font-weight:400;padding:.4rem .6rem;border:1px solid var(--line);border-radius:4px}
button,.button{font:inherit;padding:.4rem .9rem;border:1px solid #0b5cad;background:#0b5cad;color:#fff;border-radius:4px;cursor:pointer;text-decoration:none;display:inline-block}button.secondary,.button.secondary{background:#fff;color:#0b5cad}button.danger{background:#b42318;border-color:#b42318}
.form-errors{background:var(--warnbg);color:var(--warn);padding:.6rem .8rem;border-radius:4px}.notice{background:#eef6ee;padding:.6rem .8rem;border-radius:4px}
table.data th,table.data td{border-bottom:1px solid var(--line);padding:.3rem .5rem;text-align:left;vertical-align:top}
/* accounts */
.usermenu{display:flex;flex-wrap:wrap;align-items:center;gap:.2rem .8rem}.usermenu .who{font-weight:600}.usermenu form.signout{display:inline;margin:0}button.linkish{background:none;border:none;color:inherit;padding:0;text-decoration:underline;cursor:pointer}
.token-once code.token{word-break:break-all;font-size:1.05em;background:#fff;padding:.2rem .4rem}fieldset.scopes{display:grid;grid-template-columns:repeat(auto-fill,minmax(16rem,1fr));gap:.2rem .8rem;border:1px solid var(--line);border-radius:4px}fieldset.scopes label.check{font-weight:400;display:flex;gap:.4rem;align-items:center}
table.data form{display:inline}.inline-form{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end}.inline-form label{display:grid;gap:.2rem}.outbox pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#f6f6f6;padding:.5rem}
/* editorial */
.field-error{display:block;color:var(--bad);font-weight:400;font-size:.9rem}form.stack [aria-invalid=true]{border-color:var(--bad);background:var(--badbg)}
.editor-form fieldset,fieldset.disclosure-modes{border:1px solid var(--line);border-radius:4px;padding:.6rem .8rem;display:grid;gap:.6rem}.editor-form legend,fieldset.disclosure-modes legend{font-weight:700;padding:0 .3rem}
fieldset.disclosure-modes label.choice{display:flex;gap:.4rem;align-items:center;font-weight:400}.editor-actions{display:flex;gap:.6rem;flex-wrap:wrap}.editor-publish,.editor-panel{border:1px solid var(--line);border-radius:4px;padding:.6rem .9rem;margin:1rem 0;background:var(--soft)}
.sev{display:inline-block;padding:0 .4rem;border-radius:3px;margin-right:.3rem}.sev-abort{background:var(--badbg);color:var(--bad)}.sev-serious{background:var(--warnbg);color:var(--warn)}.sev-minor{background:var(--neutralbg);color:var(--neutral)}.sev-info{background:var(--okbg);color:var(--ok)}
form.stack label small.muted{font-weight:400}table.diagnostics td:nth-child(2){white-space:nowrap}table.counts td{text-align:right}progress{width:20rem;max-width:100%}
/* audit */
ul.changes{margin:.2rem 0 .4rem;padding-left:1.1rem;font-size:.92em}details.changes summary{cursor:pointer;color:var(--muted)}form.audit-filters fieldset{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:end;border:1px solid var(--line);border-radius:4px}form.audit-filters label{display:flex;flex-direction:column;font-size:.9em}table.audit-log td{font-size:.92em}table.audit-log td:first-child{white-space:nowrap}
/* lifecycle */
.lifecycle-panel .lifecycle-now{font-size:1.05rem;margin:.3rem 0}.lifecycle-asof{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;margin-top:.8rem}.lifecycle-asof input{font:inherit}.badge.due{background:var(--warnbg);color:var(--warn)}.badge.overdue{background:var(--badbg);color:var(--bad)}table.lifecycle-deadlines td.num{text-align:right;font-variant-numeric:tabular-nums}table.lifecycle-reviews form.inline{display:flex;flex-wrap:wrap;gap:.3rem;align-items:center;margin:0}
/* bulletins */
.bulletin-years{display:flex;flex-wrap:wrap;gap:.3rem .9rem;margin:.5rem 0 1rem}.bulletin-years [aria-current]{font-weight:700;text-decoration:none}table.bulletin-items td.n{white-space:nowrap}table.bulletin-items form{display:inline;margin:0}.bulletin-add textarea{font-family:ui-monospace,monospace}.bulletin-publish{border-top:1px solid var(--line);margin-top:1.5rem;padding-top:.5rem}ul.bulletin-mentions li{margin:.2rem 0}form.bulletin-delete{margin-top:1.5rem}
/* alerts */
ol.notifications{padding-left:1.4rem}li.notification{margin:.2rem 0 .8rem}li.notification p{margin:.15rem 0}li.notification.unread>p:first-child{font-weight:600}form.inline{display:inline}form.inline button{padding:.1rem .5rem;font-size:.85rem}
.alerts-panel form{display:inline}.alerts-panel p{margin:.3rem 0}code.secret{word-break:break-all;background:var(--soft);padding:.1rem .3rem}a.feed-url{word-break:break-all}tr.attempt.gave_up td{color:var(--warn)}fieldset label.radio{display:block;font-weight:400}
@media print{header.site,footer.site,.skip,.crumbs,.rtools,.toc,.plink,details.cite,.cnav{display:none!important}
body{font-size:10.5pt;line-height:1.45}main{max-width:none;padding:0}.rgrid{display:block}.rtext{max-width:none}
.rtext h2,.rtext h3,.rtext h4{break-after:avoid}.rtext table,.rtext figure,.rtext pre,.note,.example{break-inside:avoid}
.reader a{color:inherit;text-decoration:none}.rtext pre{white-space:pre-wrap}}
`;

/** Short content hash: a new stylesheet gets a new URL, so the old one may be cached for a year. */
export const CSS_VERSION = createHash('sha256').update(SITE_CSS).digest('hex').slice(0, 12);
export const CSS_HREF = `/assets/site.css?v=${CSS_VERSION}`;

/** A small SVG icon, so browsers do not request /favicon.ico and log a 404. */
export const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#0b5cad"/><path d="M9 9h14M9 16h14M9 23h9" stroke="#fff" stroke-width="3" stroke-linecap="round"/></svg>`;
export const FAVICON_HREF = '/assets/favicon.svg';
