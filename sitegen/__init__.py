"""sitegen: catalogs of county joint brands (区域公用品牌) and their farm products, as static sites."""

__version__ = "0.1.0"
