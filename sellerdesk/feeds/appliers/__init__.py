"""Appliers: each turns the messages of one kind of feed, a batch at a time, into calls of the
services that own the change, and reports what failed or warned as FeedResult rows."""
