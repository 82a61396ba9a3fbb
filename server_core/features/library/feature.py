"""The library feature: which service answers each operation, its events and errors."""

from __future__ import annotations

from server_core.features.library import blocks, collections, libraries, members, pages
from server_core.features.library.errors import (
    AlreadyMember,
    FrontmatterNotMapping,
    InvalidCollectionSchema,
    InvalidFrontmatter,
    InvalidPagePath,
    InvalidQuery,
    LastOwner,
    LibrarySlugTaken,
    PageNotDeleted,
    PagePathTaken,
    PublicReadNotAllowed,
    ReservedPagePath,
    SchemaViolation,
    ShaMismatch,
    UnknownCollection,
    VersionBehind,
)
from server_core.features.library.events import PageChanged
from server_core.features.library.operations import Libraries
from server_core.kernel.feature import Feature

FEATURE = Feature(
    "library",
    serves={
        Libraries.list: libraries.list_libraries,
        Libraries.create: libraries.do_create_library,
        Libraries.get: libraries.get_library,
        Libraries.update: libraries.do_update_library,
        Libraries.delete: libraries.do_delete_library,
        Libraries.members: members.list_members,
        Libraries.add_member: members.do_add_member,
        Libraries.update_member: members.do_update_member,
        Libraries.remove_member: members.do_remove_member,
        Libraries.pages: pages.list_pages,
        Libraries.history: pages.page_history,
        Libraries.backlinks: pages.page_backlinks,
        Libraries.rename_page: pages.do_rename_page,
        Libraries.restore_page: pages.do_restore_page,
        Libraries.append_block: blocks.do_append_block,
        Libraries.get_page: pages.get_page,
        Libraries.put_page: pages.do_put_page,
        Libraries.patch_page: pages.do_patch_page,
        Libraries.delete_page: pages.do_delete_page,
        Libraries.collections: collections.list_collections,
        Libraries.get_collection: collections.get_collection,
        Libraries.put_collection: collections.do_put_collection,
        Libraries.delete_collection: collections.do_delete_collection,
        Libraries.collection_pages: collections.collection_pages,
        Libraries.query_collection: collections.query_collection,
    },
    events=[PageChanged],
    errors=[
        InvalidPagePath,
        ReservedPagePath,
        InvalidFrontmatter,
        FrontmatterNotMapping,
        UnknownCollection,
        PublicReadNotAllowed,
        LibrarySlugTaken,
        AlreadyMember,
        LastOwner,
        ShaMismatch,
        VersionBehind,
        PagePathTaken,
        PageNotDeleted,
        InvalidCollectionSchema,
        SchemaViolation,
        InvalidQuery,
    ],
)
