"""The comment tree, built in Python from one query (no query per reply)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from thinktank.discussion.models import Comment

#: Levels of indentation; deeper replies are shown flat, each saying whom it answers.
MAX_INDENT = 4


@dataclass
class Node:
    comment: Comment
    children: list[Node] = field(default_factory=list)
    reply_to: Comment | None = None  # set when shown away from the comment it answers
    reply_to_elsewhere: bool = False  # the comment answered is on another page
    hidden_replies: int = 0  # replies of a thread shown only on the thread's own page


def build(comments: list[Comment], newest_first: bool = False) -> list[Node]:
    """Nest ``comments`` (any order) by parent; top-level order as asked, replies oldest first."""
    ordered = sorted(comments, key=lambda c: (c.created_at, c.id))
    by_id = {comment.id: comment for comment in ordered}
    children: dict[int | None, list[Comment]] = defaultdict(list)
    for comment in ordered:
        parent = comment.parent_id if comment.parent_id in by_id else None
        children[parent].append(comment)

    def descendants(comment: Comment) -> list[Comment]:
        found, stack = [], list(children[comment.id])
        while stack:
            current = stack.pop()
            found.append(current)
            stack.extend(children[current.id])
        return sorted(found, key=lambda c: (c.created_at, c.id))

    def node(comment: Comment, level: int) -> Node:
        if level < MAX_INDENT - 1:
            return Node(comment, [node(child, level + 1) for child in children[comment.id]])
        flat = [
            Node(d, reply_to=by_id[d.parent_id] if d.parent_id != comment.id else None)
            for d in descendants(comment)
        ]
        return Node(comment, flat)

    roots = [node(comment, 0) for comment in children[None]]
    return list(reversed(roots)) if newest_first else roots


def build_thread(root: Comment, replies: list[Comment], answered: dict[int, Comment]) -> Node:
    """One thread: ``root`` with a page of its ``replies``; a reply whose parent is on an
    earlier page hangs under the root, saying whom it answers (found in ``answered``)."""
    nodes = build([root, *replies])
    top = next(node for node in nodes if node.comment.id == root.id)
    strays = [node for node in nodes if node is not top]
    for node in strays:
        node.reply_to = answered.get(node.comment.parent_id)
        node.reply_to_elsewhere = True
    top.children = sorted(
        [*top.children, *strays], key=lambda node: (node.comment.created_at, node.comment.id)
    )
    return top
