#ifndef CGRAPHVIZ_SHIM_H
#define CGRAPHVIZ_SHIM_H

// The installed Graphviz headers (Debian 12: libgraphviz-dev 2.42.2, reports 2.43.0).
// Nothing is copied: pkg-config `libgvc` supplies -I/usr/include/graphviz.
#include <graphviz/gvc.h>
#include <graphviz/cgraph.h>
#include <graphviz/gvplugin.h>
#include <graphviz/gvplugin_textlayout.h>
#include <graphviz/gvplugin_render.h>
#include <graphviz/gvplugin_device.h>

/// Graphviz's plugin output function (libgvc exports it for render plugins; its header,
/// gvio.h, is not installed): appends `len` bytes to the job's output.
extern size_t gvwrite(GVJ_t *job, const char *s, size_t len);

// Shims for what Swift cannot call as it stands. Graphviz takes `char *` for names
// and values it never modifies (it interns them with agstrdup); these take
// `const char *` so Swift strings bridge directly. Globals are reached through
// functions so Swift 6 never touches C mutable globals directly.

/// Agdirected / Agstrictdirected / Agundirected / Agstrictundirected by value.
static inline Agdesc_t CGraphviz_graphDescriptor(int directed, int strict) {
    if (directed) {
        return strict ? Agstrictdirected : Agdirected;
    }
    return strict ? Agstrictundirected : Agundirected;
}

/// cgraph's default memory discipline (plain malloc/free).
static inline Agmemdisc_t *CGraphviz_defaultMemoryDiscipline(void) {
    return &AgMemDisc;
}

/// cgraph's default I/O discipline (FILE * channels); its putstr/flush are reused.
static inline Agiodisc_t *CGraphviz_defaultIODiscipline(void) {
    return &AgIoDisc;
}

static inline Agraph_t *CGraphviz_open(const char *name, Agdesc_t desc, Agdisc_t *disc) {
    return agopen((char *)name, desc, disc);
}

static inline Agnode_t *CGraphviz_node(Agraph_t *g, const char *name, int create) {
    return agnode(g, (char *)name, create);
}

static inline Agedge_t *CGraphviz_edge(Agraph_t *g, Agnode_t *tail, Agnode_t *head,
                                       const char *key, int create) {
    return agedge(g, tail, head, (char *)key, create);
}

static inline Agraph_t *CGraphviz_subgraph(Agraph_t *g, const char *name, int create) {
    return agsubg(g, (char *)name, create);
}

/// agattr(g, kind, name, NULL): look an attribute declaration up without creating it.
static inline Agsym_t *CGraphviz_findAttribute(Agraph_t *g, int kind, const char *name) {
    return agattr(g, kind, (char *)name, NULL);
}

/// Interns `value` in the graph's string dictionary: as an HTML-like string when `isHTML`
/// (the text between the outer `<` and `>`), as an ordinary string otherwise. The caller
/// owns one reference and releases it with agstrfree.
static inline char *CGraphviz_intern(Agraph_t *g, const char *value, int isHTML) {
    Agraph_t *root = agroot(g);
    return isHTML ? agstrdup_html(root, (char *)value) : agstrdup(root, (char *)value);
}

/// agattr(g, kind, name, value): declare (or re-declare) an attribute with a default.
/// On the root graph this is the DOT statement `node [name=value]` (resp. graph/edge);
/// on a subgraph it sets the subgraph's own value and the default of its descendants,
/// as the DOT parser does for `graph [name=value]` inside `subgraph { }`.
/// agattr interns an ordinary value itself; an HTML-like one is interned first (flagged)
/// and agattr takes its own reference to it.
static inline Agsym_t *CGraphviz_declareAttribute(Agraph_t *g, int kind, const char *name,
                                                  const char *value, int isHTML) {
    if (!isHTML) {
        return agattr(g, kind, (char *)name, (char *)value);
    }
    char *interned = CGraphviz_intern(g, value, isHTML);
    if (interned == NULL) {
        return NULL;
    }
    Agsym_t *sym = agattr(g, kind, (char *)name, interned);
    agstrfree(agroot(g), interned);
    return sym;
}

/// agxset(obj, sym, value). agxset interns an ordinary value itself; an HTML-like one is
/// interned first (flagged) and agxset takes its own reference to it.
static inline int CGraphviz_setAttribute(void *obj, Agsym_t *sym, const char *value, int isHTML) {
    if (!isHTML) {
        return agxset(obj, sym, (char *)value);
    }
    Agraph_t *root = agroot(obj);
    char *interned = CGraphviz_intern(root, value, isHTML);
    if (interned == NULL) {
        return -1;
    }
    int rc = agxset(obj, sym, interned);
    agstrfree(root, interned);
    return rc;
}

/// An edge's tail and head nodes (agtail/aghead are macros).
static inline Agnode_t *CGraphviz_tail(Agedge_t *e) {
    return agtail(e);
}

static inline Agnode_t *CGraphviz_head(Agedge_t *e) {
    return aghead(e);
}

/// The port names an edge's ends were laid out with (`ED_tail_port(e).name`), or NULL.
static inline char *CGraphviz_tailPort(Agedge_t *e) {
    return ED_tail_port(e).name;
}

static inline char *CGraphviz_headPort(Agedge_t *e) {
    return ED_head_port(e).name;
}

/// The graph's `fontnames` setting as laid out (`GD_fontnames(g)`).
static inline fontname_kind CGraphviz_fontnames(Agraph_t *g) {
    return GD_fontnames(g);
}

#endif
