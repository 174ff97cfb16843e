"""Typed, frozen records for brands and products: what the rest of the build works with.

Records are complete when created (never half-filled for a later stage to finish) and
carry the lines of the values that cross-file checks may need to point at.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sitegen.config import Contact


@dataclass(frozen=True, slots=True)
class ImageRef:
    file: str  # as written: a name beside index.md
    alt: str  # '' when the editor gave none
    line: int


@dataclass(frozen=True, slots=True)
class CertRef:
    id: str
    number: str  # certificate number shoppers can check; may be ''
    line: int


@dataclass(frozen=True, slots=True)
class Price:
    amount: float
    currency: str = "CNY"
    unit: str = ""


@dataclass(frozen=True, slots=True)
class ProductVariant:
    name: str
    price: float | None
    unit: str = ""


@dataclass(frozen=True, slots=True)
class ShopLink:
    platform: str
    url: str


@dataclass(frozen=True, slots=True)
class Brand:
    id: str
    rel: str  # 'brands/<id>/index.md'
    name: str
    body: str  # Markdown, unrendered
    digest: str  # of the whole source file: any change re-renders the brand page
    line: int = 1  # front matter start, for problems about the file as a whole
    name_en: str = ""
    province: str = ""
    county: str = ""
    summary: str = ""
    summary_en: str = ""
    logo: ImageRef | None = None
    banner: ImageRef | None = None
    website: str = ""
    established: str = ""
    certifications: tuple[CertRef, ...] = ()
    contact: Contact = field(default_factory=Contact)

    @property
    def key(self) -> str:
        return f"brand:{self.id}"

    @property
    def folder(self) -> str:
        return self.rel.rsplit("/", 1)[0]



@dataclass(frozen=True, slots=True)
class Product:
    id: str
    brand_id: str
    rel: str  # 'products/<brand>/<id>/index.md'
    title: str
    category: str
    images: tuple[ImageRef, ...]
    body: str
    digest: str
    line: int = 1
    category_line: int = 1
    title_en: str = ""
    summary: str = ""
    summary_en: str = ""
    price: Price | None = None
    variants: tuple[ProductVariant, ...] = ()
    season: tuple[int, ...] = ()
    origin: str = ""
    producer: str = ""
    certifications: tuple[CertRef, ...] = ()
    shop_links: tuple[ShopLink, ...] = ()
    traceability_url: str = ""
    available: bool = True
    draft: bool = False
    date: str = ""  # ISO date
    tags: tuple[str, ...] = ()
    gtin: str = ""
    weight: str = ""
    shelf_life: str = ""
    storage: str = ""
    batch: str = ""  # GB/T 38574-2020 traceability, with producer and shelf_life
    production_date: str = ""  # ISO date

    @property
    def key(self) -> str:
        return f"product:{self.brand_id}/{self.id}"

    @property
    def folder(self) -> str:
        return self.rel.rsplit("/", 1)[0]

    @property
    def cover(self) -> ImageRef:
        return self.images[0]
