/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A red-black tree for the simulator with the subset of the kernel's
 * <linux/rbtree.h> interface the policies use: cached-leftmost roots,
 * rb_add_cached() with a less() callback, rb_erase_cached(), rb_first*(),
 * rb_next(), RB_CLEAR_NODE()/RB_EMPTY_NODE().
 *
 * Written for the simulator from the textbook algorithm (insert and delete
 * with recolouring and at most three rotations); the node is three words
 * like the kernel's, the colour living in the low bit of the parent link,
 * so that the policies' private structs have the same size in both builds.
 */
#ifndef _SIM_RBTREE_H
#define _SIM_RBTREE_H

struct rb_node {
	unsigned long __rb_parent_color;	/* parent | colour (bit 0) */
	struct rb_node *rb_right;
	struct rb_node *rb_left;
} __attribute__((aligned(sizeof(long))));

struct rb_root {
	struct rb_node *rb_node;
};

struct rb_root_cached {
	struct rb_root rb_root;
	struct rb_node *rb_leftmost;
};

#define RB_ROOT_CACHED		((struct rb_root_cached) { { NULL }, NULL })
#define RB_EMPTY_ROOT(root)	((root)->rb_node == NULL)
/* a node that is in no tree points at itself */
#define RB_EMPTY_NODE(node)						\
	((node)->__rb_parent_color == (unsigned long)(node))
#define RB_CLEAR_NODE(node)						\
	((node)->__rb_parent_color = (unsigned long)(node))

#define rb_entry(ptr, type, member)	container_of(ptr, type, member)
#define rb_first_cached(root)		((root)->rb_leftmost)

struct rb_node *rb_first(const struct rb_root *root);
struct rb_node *rb_next(const struct rb_node *node);
void sim_rb_insert_fixup(struct rb_node *node, struct rb_root *root);
void sim_rb_erase(struct rb_node *node, struct rb_root *root);

static inline void rb_erase_cached(struct rb_node *node,
				   struct rb_root_cached *root)
{
	if (root->rb_leftmost == node)
		root->rb_leftmost = rb_next(node);
	sim_rb_erase(node, &root->rb_root);
}

/* insert @node below the last node less() than it; equal keys go right */
static __always_inline void
rb_add_cached(struct rb_node *node, struct rb_root_cached *tree,
	      bool (*less)(struct rb_node *, const struct rb_node *))
{
	struct rb_node **link = &tree->rb_root.rb_node;
	struct rb_node *parent = NULL;
	bool leftmost = true;

	while (*link) {
		parent = *link;
		if (less(node, parent)) {
			link = &parent->rb_left;
		} else {
			link = &parent->rb_right;
			leftmost = false;
		}
	}
	node->__rb_parent_color = (unsigned long)parent;	/* red */
	node->rb_left = NULL;
	node->rb_right = NULL;
	*link = node;
	if (leftmost)
		tree->rb_leftmost = node;
	sim_rb_insert_fixup(node, &tree->rb_root);
}

/* checks for the simulator's self-test: returns the black height or -1 */
int sim_rb_check(const struct rb_root *root);

#endif /* _SIM_RBTREE_H */
