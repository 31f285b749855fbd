// SPDX-License-Identifier: GPL-2.0
/*
 * Red-black tree for the simulator (see sim_rbtree.h).
 *
 * Invariants: the root is black; a red node has no red child; every path
 * from a node down to a missing child crosses the same number of black
 * nodes. Colour is bit 0 of __rb_parent_color: 0 red, 1 black.
 */
#include "sim_kernel.h"

#define SIM_RB_BLACK	1UL

static struct rb_node *parent_of(const struct rb_node *n)
{
	return (struct rb_node *)(n->__rb_parent_color & ~3UL);
}

static bool is_black(const struct rb_node *n)
{
	return !n || (n->__rb_parent_color & SIM_RB_BLACK);
}

static bool is_red(const struct rb_node *n)
{
	return !is_black(n);
}

static void set_black(struct rb_node *n)
{
	n->__rb_parent_color |= SIM_RB_BLACK;
}

static void set_red(struct rb_node *n)
{
	n->__rb_parent_color &= ~SIM_RB_BLACK;
}

static void set_parent(struct rb_node *n, struct rb_node *p)
{
	n->__rb_parent_color = (unsigned long)p |
			       (n->__rb_parent_color & SIM_RB_BLACK);
}

static void copy_colour(struct rb_node *to, const struct rb_node *from)
{
	if (is_black(from))
		set_black(to);
	else
		set_red(to);
}

/* make @new take @old's place under @old's parent */
static void replace_child(struct rb_root *root, struct rb_node *old,
			  struct rb_node *new)
{
	struct rb_node *p = parent_of(old);

	if (!p)
		root->rb_node = new;
	else if (p->rb_left == old)
		p->rb_left = new;
	else
		p->rb_right = new;
	if (new)
		set_parent(new, p);
}

/* @x's right child y comes up, @x becomes y's left child */
static void rotate_left(struct rb_root *root, struct rb_node *x)
{
	struct rb_node *y = x->rb_right;

	x->rb_right = y->rb_left;
	if (y->rb_left)
		set_parent(y->rb_left, x);
	replace_child(root, x, y);
	y->rb_left = x;
	set_parent(x, y);
}

/* mirror image of rotate_left() */
static void rotate_right(struct rb_root *root, struct rb_node *x)
{
	struct rb_node *y = x->rb_left;

	x->rb_left = y->rb_right;
	if (y->rb_right)
		set_parent(y->rb_right, x);
	replace_child(root, x, y);
	y->rb_right = x;
	set_parent(x, y);
}

void sim_rb_insert_fixup(struct rb_node *z, struct rb_root *root)
{
	struct rb_node *p, *g, *u;

	while ((p = parent_of(z)) && is_red(p)) {
		g = parent_of(p);	/* exists: a red node is not the root */
		if (p == g->rb_left) {
			u = g->rb_right;
			if (is_red(u)) {
				set_black(p);
				set_black(u);
				set_red(g);
				z = g;
				continue;
			}
			if (z == p->rb_right) {
				rotate_left(root, p);
				z = p;
				p = parent_of(z);
			}
			set_black(p);
			set_red(g);
			rotate_right(root, g);
		} else {
			u = g->rb_left;
			if (is_red(u)) {
				set_black(p);
				set_black(u);
				set_red(g);
				z = g;
				continue;
			}
			if (z == p->rb_left) {
				rotate_right(root, p);
				z = p;
				p = parent_of(z);
			}
			set_black(p);
			set_red(g);
			rotate_left(root, g);
		}
	}
	set_black(root->rb_node);
}

/* restore the black height after a black node left from above @x */
static void erase_fixup(struct rb_root *root, struct rb_node *x,
			struct rb_node *xp)
{
	struct rb_node *w;

	while (x != root->rb_node && is_black(x)) {
		if (x == xp->rb_left) {
			w = xp->rb_right;
			if (is_red(w)) {
				set_black(w);
				set_red(xp);
				rotate_left(root, xp);
				w = xp->rb_right;
			}
			if (is_black(w->rb_left) && is_black(w->rb_right)) {
				set_red(w);
				x = xp;
				xp = parent_of(x);
				continue;
			}
			if (is_black(w->rb_right)) {
				set_black(w->rb_left);
				set_red(w);
				rotate_right(root, w);
				w = xp->rb_right;
			}
			copy_colour(w, xp);
			set_black(xp);
			set_black(w->rb_right);
			rotate_left(root, xp);
		} else {
			w = xp->rb_left;
			if (is_red(w)) {
				set_black(w);
				set_red(xp);
				rotate_right(root, xp);
				w = xp->rb_left;
			}
			if (is_black(w->rb_left) && is_black(w->rb_right)) {
				set_red(w);
				x = xp;
				xp = parent_of(x);
				continue;
			}
			if (is_black(w->rb_left)) {
				set_black(w->rb_right);
				set_red(w);
				rotate_left(root, w);
				w = xp->rb_left;
			}
			copy_colour(w, xp);
			set_black(xp);
			set_black(w->rb_left);
			rotate_right(root, xp);
		}
		x = root->rb_node;
		break;
	}
	if (x)
		set_black(x);
}

void sim_rb_erase(struct rb_node *z, struct rb_root *root)
{
	struct rb_node *x, *xp, *y;
	bool removed_black;

	if (!z->rb_left || !z->rb_right) {
		x = z->rb_left ? z->rb_left : z->rb_right;
		xp = parent_of(z);
		removed_black = is_black(z);
		replace_child(root, z, x);
	} else {
		/* z's successor y (no left child) takes z's place and colour */
		y = z->rb_right;
		while (y->rb_left)
			y = y->rb_left;
		removed_black = is_black(y);
		x = y->rb_right;
		if (parent_of(y) == z) {
			xp = y;
		} else {
			xp = parent_of(y);
			replace_child(root, y, x);
			y->rb_right = z->rb_right;
			set_parent(y->rb_right, y);
		}
		replace_child(root, z, y);
		y->rb_left = z->rb_left;
		set_parent(y->rb_left, y);
		copy_colour(y, z);
	}
	if (removed_black)
		erase_fixup(root, x, xp);
}

struct rb_node *rb_first(const struct rb_root *root)
{
	struct rb_node *n = root->rb_node;

	if (!n)
		return NULL;
	while (n->rb_left)
		n = n->rb_left;
	return n;
}

struct rb_node *rb_next(const struct rb_node *node)
{
	struct rb_node *p;

	if (node->rb_right) {
		node = node->rb_right;
		while (node->rb_left)
			node = node->rb_left;
		return (struct rb_node *)node;
	}
	while ((p = parent_of(node)) && node == p->rb_right)
		node = p;
	return p;
}

static int check_subtree(const struct rb_node *n, const struct rb_node *parent)
{
	int l, r;

	if (!n)
		return 1;
	if (parent_of(n) != parent)
		return -1;
	if (is_red(n) && (is_red(n->rb_left) || is_red(n->rb_right)))
		return -1;
	l = check_subtree(n->rb_left, n);
	r = check_subtree(n->rb_right, n);
	if (l < 0 || l != r)
		return -1;
	return l + is_black(n);
}

int sim_rb_check(const struct rb_root *root)
{
	if (root->rb_node && !is_black(root->rb_node))
		return -1;
	return check_subtree(root->rb_node, NULL);
}
